"""The outcomes unit of work: facts and the trainee view in one
transaction with the events to publish."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from traintrack.contracts import EventData
from traintrack.outcomes.adapters.repository import Facts, TraineeView
from traintrack.platform.db import Connection
from traintrack.platform.db.uow import PostgresUnitOfWork
from traintrack.platform.messaging import outbox

SOURCE = "/traintrack/outcomes"


class OutcomesUnitOfWork(PostgresUnitOfWork):
    """Its events may carry ids the handler chose: a report's fact is kept under the id of
    the event announcing it, and an imported record has one id however often it comes."""

    source = SOURCE
    facts: Facts
    trainees: TraineeView

    def bind(self, connection: Connection) -> None:
        self.facts = Facts(connection)
        self.trainees = TraineeView(connection)
        self._ids: list[str] = []

    def emit(self, *events: EventData, ids: Sequence[str] = ()) -> list[str]:  # type: ignore[override]
        """Publish `events` at commit, under `ids` (new ones if none are given); their ids."""
        chosen = list(ids) or [str(uuid.uuid4()) for _ in events]
        assert len(chosen) == len(events), "one id per event"
        super().emit(*events)
        self._ids.extend(chosen)
        return chosen

    async def _commit(self, events: list[EventData]) -> None:
        ids, self._ids = self._ids, []
        await outbox.add_events(self.connection, events, source=self.source, event_ids=ids)
        await super()._commit([])  # the events are in the outbox: commit the transaction
