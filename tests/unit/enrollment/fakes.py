"""The enrollment unit of work in memory: repositories as dicts behind the same methods
as adapters/, so every handler runs without PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from tests.utils.fakes import FakeUnitOfWork
from traintrack.contracts.vocabulary import AttendanceStatus
from traintrack.enrollment.domain.attendance import AttendanceDay, RecentAttendance
from traintrack.enrollment.domain.catalogue import Cohort, Institute, Programme
from traintrack.enrollment.domain.enrollments import SEAT_HOLDERS, Enrollment, EnrollmentStatus
from traintrack.enrollment.domain.onboarding import KnownRef
from traintrack.enrollment.domain.recording import Alert
from traintrack.enrollment.domain.trainees import PersonalDetails, Trainee


class FakeCatalogue:
    def __init__(self) -> None:
        self.institutes: dict[str, Institute] = {}
        self.programmes: dict[str, Programme] = {}
        self.cohorts: dict[str, Cohort] = {}
        self.locked: list[str] = []

    async def add_institute(self, institute: Institute) -> bool:
        return self.institutes.setdefault(institute.institute_id, institute) is institute

    async def get_institute(self, institute_id: str) -> Institute | None:
        return self.institutes.get(institute_id)

    async def add_programme(self, programme: Programme) -> bool:
        return self.programmes.setdefault(programme.programme_id, programme) is programme

    async def get_programme(self, programme_id: str) -> Programme | None:
        return self.programmes.get(programme_id)

    async def add_cohort(self, cohort: Cohort) -> bool:
        return self.cohorts.setdefault(cohort.cohort_id, cohort) is cohort

    async def get_cohort(self, cohort_id: str, *, lock: bool = False) -> Cohort | None:
        if lock:
            self.locked.append(cohort_id)
        return self.cohorts.get(cohort_id)

    async def cohorts_by_id(self, ids: list[str], *, lock: bool = False) -> dict[str, Cohort]:
        if lock:
            self.locked += sorted(ids)
        return {i: self.cohorts[i] for i in ids if i in self.cohorts}


class FakeTrainees:
    def __init__(self) -> None:
        self.trainees: dict[str, Trainee] = {}
        self.consents: list[tuple[str, bool, str]] = []  # trainee, share, by
        self.erased: dict[str, datetime] = {}
        self.refs: dict[tuple[str, str], tuple[str, str | None]] = {}  # -> trainee, fingerprint
        self.import_locks: list[str] = []

    async def add(self, trainee: Trainee, *, by: str) -> None:
        await self.add_many([trainee], by=by)

    async def add_many(self, trainees: list[Trainee], *, by: str) -> None:
        for t in trainees:
            self.trainees[t.trainee_id] = t
            self.consents.append((t.trainee_id, t.consent_share_with_firms, by))

    async def get(self, trainee_id: str) -> Trainee | None:
        return self.trainees.get(trainee_id)

    async def add_consent(self, trainee_id: str, share: bool, at: datetime, *, by: str) -> None:
        self.trainees[trainee_id] = replace(
            self.trainees[trainee_id], consent_share_with_firms=share
        )
        self.consents.append((trainee_id, share, by))

    async def erase_personal_details(self, trainee_id: str, at: datetime) -> bool:
        self.trainees[trainee_id] = replace(
            self.trainees[trainee_id],
            personal=PersonalDetails("", None, None),
            consent_share_with_firms=False,
            erased=True,
        )
        self.consents = [c for c in self.consents if c[0] != trainee_id]
        self.refs = {k: (t, None if t == trainee_id else f) for k, (t, f) in self.refs.items()}
        return self.erased.setdefault(trainee_id, at) is at

    async def lock_imports_of(self, institute_id: str) -> None:
        self.import_locks.append(institute_id)

    async def known_refs(self, institute_id: str, refs: list[str]) -> dict[str, KnownRef]:
        found = {}
        for ref in refs:
            if (institute_id, ref) in self.refs:
                trainee_id, mark = self.refs[(institute_id, ref)]
                found[ref] = KnownRef(trainee_id, mark, self.trainees[trainee_id].status)
        return found

    async def add_refs(self, institute_id: str, refs: list[tuple[str, str, str]]) -> None:
        for ref, trainee_id, mark in refs:
            self.refs[(institute_id, ref)] = (trainee_id, mark)


class FakeEnrollments:
    def __init__(self, catalogue: FakeCatalogue) -> None:
        self._catalogue = catalogue
        self.enrollments: dict[str, Enrollment] = {}
        self.known_on: dict[str, date] = {}  # the day the platform learnt of each
        self.surveys: dict[str, tuple[int, date]] = {}
        self.held: set[str] = set()  # locked by another transaction: skipped by the sweep
        self.locked: list[str] = []
        self.shared: list[str] = []

    def put(self, enrollment: Enrollment, *, known_on: date | None = None) -> Enrollment:
        self.enrollments[enrollment.enrollment_id] = enrollment
        self.known_on[enrollment.enrollment_id] = known_on or enrollment.applied_on
        return enrollment

    async def add(self, e: Enrollment) -> bool:
        return bool(await self.add_many([e]))

    async def add_many(self, enrollments: list[Enrollment]) -> set[str]:
        made = set()
        for e in enrollments:
            if any(
                (o.trainee_id, o.cohort_id) == (e.trainee_id, e.cohort_id)
                for o in self.enrollments.values()
            ):
                continue
            self.put(e)
            made.add(e.enrollment_id)
        return made

    async def save(self, e: Enrollment) -> None:
        self.enrollments[e.enrollment_id] = e

    async def save_closed(self, closed: list[Enrollment]) -> None:
        for e in closed:
            self.enrollments[e.enrollment_id] = e

    async def get(self, enrollment_id: str, *, lock: bool = False) -> Enrollment | None:
        if lock:
            self.locked.append(enrollment_id)
        return self.enrollments.get(enrollment_id)

    async def by_id(self, ids: list[str], *, share: bool = False) -> dict[str, Enrollment]:
        if share:
            self.shared += sorted(ids)
        return {i: self.enrollments[i] for i in ids if i in self.enrollments}

    async def held_with_cohorts(
        self, ids: list[str]
    ) -> tuple[dict[str, Enrollment], dict[str, Cohort]]:
        enrollments = await self.by_id(ids, share=True)
        cohorts = self._catalogue.cohorts
        return enrollments, {e.cohort_id: cohorts[e.cohort_id] for e in enrollments.values()}

    async def of_trainees(self, trainee_ids: list[str]) -> dict[tuple[str, str], str]:
        return {
            (e.trainee_id, e.cohort_id): e.enrollment_id
            for e in self.enrollments.values()
            if e.trainee_id in trainee_ids
        }

    async def seats_taken(self, cohort_ids: list[str]) -> dict[str, int]:
        return {
            c: sum(e.cohort_id == c and e.status in SEAT_HOLDERS for e in self.enrollments.values())
            for c in cohort_ids
        }

    async def due_for_closing(
        self, *, today: date, grace_days: int, limit: int
    ) -> list[tuple[Enrollment, date]]:
        found = [
            (e, self.known_on[e.enrollment_id])
            for e in sorted(self.enrollments.values(), key=lambda e: e.enrollment_id)
            if e.status is EnrollmentStatus.ENROLLED
            and e.enrollment_id not in self.held
            and (self._catalogue.cohorts[e.cohort_id].ends_on - today).days + grace_days < 0
            and (self.known_on[e.enrollment_id] - today).days + grace_days < 0
        ]
        return found[:limit]

    async def in_training(self, cohort_id: str) -> list[Enrollment]:
        return sorted(
            (
                e
                for e in self.enrollments.values()
                if e.cohort_id == cohort_id and e.status is EnrollmentStatus.ENROLLED
            ),
            key=lambda e: e.enrollment_id,
        )

    async def upsert_survey(self, enrollment_id: str, score: int, submitted_on: date) -> bool:
        before, self.surveys[enrollment_id] = self.surveys.get(enrollment_id), (score, submitted_on)
        return before != (score, submitted_on)


class FakeAttendance:
    def __init__(self) -> None:
        self.days: dict[str, dict[date, AttendanceDay]] = {}
        self.alerts: dict[Alert, date] = {}
        self.alerts_read: list[list[str]] = []  # the enrollments of each read of the alerts

    async def of(self, enrollment_ids: list[str]) -> dict[str, dict[date, AttendanceStatus]]:
        return {
            e: {d: day.status for d, day in self.days.get(e, {}).items()} for e in enrollment_ids
        }

    async def recent(
        self, since: Mapping[str, date], cohort_of: Mapping[str, Cohort]
    ) -> dict[str, RecentAttendance]:
        found = {}
        for enrollment_id, first in since.items():
            days = {d: day.status for d, day in self.days.get(enrollment_id, {}).items()}
            runs = cohort_of[enrollment_id].training_day_set()
            earlier = Counter(s for d, s in days.items() if d < first and d in runs)
            later = {d: s for d, s in days.items() if d >= first}
            found[enrollment_id] = RecentAttendance(first, earlier, later)
        return found

    async def upsert(self, rows: list[tuple[str, AttendanceDay]]) -> None:
        for enrollment_id, day in rows:
            self.days.setdefault(enrollment_id, {})[day.day] = day

    async def alerts_of(self, enrollment_ids: list[str]) -> set[Alert]:
        self.alerts_read.append(list(enrollment_ids))
        return {a for a in self.alerts if a[0] in enrollment_ids}

    async def add_alerts(self, alerts: list[tuple[Alert, date]]) -> None:
        for alert, on in alerts:
            self.alerts.setdefault(alert, on)


class FakeEnrollmentUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.catalogue = FakeCatalogue()
        self.trainees = FakeTrainees()
        self.enrollments = FakeEnrollments(self.catalogue)
        self.attendance = FakeAttendance()
