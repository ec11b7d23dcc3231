"""In-memory stand-ins for unit tests of handlers: no PostgreSQL, no Kafka.

A service's fake unit of work subclasses `FakeUnitOfWork` and gives it fake repositories
(dicts behind the same methods as the real repositories)."""

from __future__ import annotations

from traintrack.contracts import EventData
from traintrack.platform.db.uow import UnitOfWork
from traintrack.platform.errors import Rejected
from traintrack.platform.web.audit import AuditRow
from traintrack.platform.web.idempotency import HEADER, Answer, Claim


class FakeUnitOfWork(UnitOfWork):
    """Remembers what a handler published (only once committed) and every rollback."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[EventData] = []
        self.rollbacks = 0
        # Idempotency keys and audit rows: what is kept only once committed, like events.
        self.keys: dict[tuple[str, str], tuple[str, Answer | None]] = {}
        self.audited: list[AuditRow] = []
        self._keys: dict[tuple[str, str], tuple[str, Answer | None]] = {}
        self._audited: list[AuditRow] = []

    async def claim(self, claimed: Claim) -> Answer | None:
        first = self.keys.get((claimed.scope, claimed.key))
        if first is None:
            self._keys[(claimed.scope, claimed.key)] = (claimed.fingerprint, None)
            return None
        if first[0] != claimed.fingerprint:
            raise Rejected(
                "this Idempotency-Key was used for a different request body", field=HEADER
            )
        assert first[1] is not None, "a claim is only seen committed, with its answer"
        return first[1]

    async def remember(self, claimed: Claim, answer: Answer) -> None:
        self._keys[(claimed.scope, claimed.key)] = (claimed.fingerprint, answer)

    async def record_audit(self, row: AuditRow) -> None:
        self._audited.append(row)

    async def _begin(self) -> None:
        self._keys, self._audited = {}, []

    async def _commit(self, events: list[EventData]) -> None:
        self.published.extend(events)
        self.keys.update(self._keys)
        self.audited.extend(self._audited)
        self._keys, self._audited = {}, []

    async def rollback(self) -> None:
        self.rollbacks += 1
        self._keys, self._audited = {}, []

    def published_types(self) -> list[str]:
        return [e.type for e in self.published]
