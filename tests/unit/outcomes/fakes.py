"""The outcomes unit of work in memory: facts, the trainee view and idempotency keys in
dicts behind the methods of the real repositories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tests.utils.fakes import FakeUnitOfWork
from traintrack.contracts import EventData
from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.domain.trainees import EnrollmentEntry, TraineeEntry

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


class FakeFacts:
    def __init__(self) -> None:
        self.kept: dict[str, Fact] = {}
        self.import_turns = 0

    async def add(self, facts: Sequence[Fact]) -> None:
        for fact in facts:
            self.kept.setdefault(fact.event_id, fact)

    async def add_known_now(
        self, event_id: str, kind: str, subject: str, data: Mapping[str, Any]
    ) -> None:
        await self.add([Fact(event_id, kind, subject, NOW, data)])

    async def data_of(self, event_ids: Sequence[str]) -> dict[str, Any]:
        return {i: self.kept[i].data for i in event_ids if i in self.kept}

    async def live_cohorts(self, cohort_ids: Sequence[str]) -> set[str]:
        return {f.subject for f in self._live("cohort-opened") if f.subject in cohort_ids}

    async def live_enrollments(self, trainee_ids: Sequence[str]) -> set[str]:
        return {
            f.data["enrollment_id"]
            for f in self._live("trainee-enrolled")
            if f.subject in trainee_ids
        }

    async def institute_of(self, trainee_id: str) -> str | None:
        about = [
            f
            for f in self.kept.values()
            if f.subject == trainee_id and f.kind in ("trainee-registered", "trainee-enrolled")
        ]
        return max(about, key=lambda f: f.known_at).data["institute_id"] if about else None

    async def hired_by(self, trainee_id: str, firm_id: str) -> bool:
        return any(
            f.kind == "hired" and f.subject == trainee_id and f.data["firm_id"] == firm_id
            for f in self.kept.values()
        )

    async def subject_of_report(self, report_id: str) -> str | None:
        return next(
            (
                f.subject
                for f in self.kept.values()
                if f.kind == "outcome-reported" and f.data["report_id"] == report_id
            ),
            None,
        )

    async def wait_for_import_turn(self) -> None:
        self.import_turns += 1

    def _live(self, kind: str) -> list[Fact]:
        return [f for f in self.kept.values() if f.kind == kind and f.imported is None]


class FakeTraineeView:
    def __init__(self) -> None:
        self.trainees: dict[str, TraineeEntry] = {}
        self.enrollments: dict[str, EnrollmentEntry] = {}

    async def add_trainees(self, entries: Sequence[TraineeEntry]) -> None:
        for t in entries:
            self.trainees.setdefault(t.trainee_id, t)

    async def add_enrollments(self, entries: Sequence[EnrollmentEntry]) -> None:
        for e in entries:
            self.enrollments.setdefault(e.enrollment_id, e)


class FakeOutcomesUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.facts = FakeFacts()
        self.trainees = FakeTraineeView()
        self.published_ids: list[str] = []
        self._ids: list[str] = []

    async def _begin(self) -> None:
        await super()._begin()
        self._ids = []

    def emit(self, *events: EventData, ids: Sequence[str] = ()) -> list[str]:  # type: ignore[override]
        chosen = list(ids) or [f"event-{len(self.published_ids) + len(self._ids) + n}"
                               for n in range(len(events))]  # fmt: skip
        super().emit(*events)
        self._ids.extend(chosen)
        return chosen

    async def _commit(self, events: list[EventData]) -> None:
        await super()._commit(events)
        self.published_ids.extend(self._ids)
        self._ids = []
