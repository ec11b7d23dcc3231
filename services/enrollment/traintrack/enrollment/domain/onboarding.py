"""Bulk onboarding: an institute registers trainees and enrolls them from one CSV.

Each row is a person (with the institute's own reference for them, `ref`) and the cohort
to enroll them in. Rows are decided one by one, exactly as the single-request endpoints
decide (a bad row is reported, the good ones kept; seats run out in row order), but read
and written set-wise. Retrying is safe: a ref seen before is the same trainee (their
details must match), and a ref already enrolled in the row's cohort is reported as
existing, not enrolled twice. A known ref with another cohort enrolls the same trainee
again: a repeat participant.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain import trainees as domain
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.enrollment.domain.reports import RowError
from traintrack.platform.errors import Conflict, NotFound


@dataclass(frozen=True)
class OnboardRow:
    number: int
    ref: str
    cohort_id: str
    applied_on: date
    person: domain.Person


@dataclass(frozen=True)
class Onboarded:
    row: int
    ref: str
    trainee_id: str
    enrollment_id: str
    created: bool


@dataclass
class OnboardResult:
    """The import report: every row onboarded (made now or before) or refused."""

    done: list[Onboarded] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.done) + len(self.errors)

    @property
    def accepted(self) -> int:
        return sum(d.created for d in self.done)

    @property
    def existing(self) -> int:
        return len(self.done) - self.accepted

    @property
    def rejected(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class KnownRef:
    trainee_id: str
    fingerprint: str | None  # None once the trainee was erased
    status: str


@dataclass
class Batch:
    """What the batch knows, growing as rows are decided."""

    refs: dict[str, KnownRef]
    cohorts: dict[str, Cohort]
    seats: dict[str, int]
    enrolled: dict[tuple[str, str], str]
    trainees: list[domain.Trainee] = field(default_factory=list)
    new_refs: list[tuple[str, str, str]] = field(default_factory=list)
    enrollments: list[tuple[int, str, Enrollment, str]] = field(default_factory=list)


def fingerprint(person: domain.Person) -> str:
    canonical = json.dumps(asdict(person), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def decide(row: OnboardRow, institute_id: str, state: Batch, now: datetime) -> Onboarded | None:
    """An existing enrollment's ids, or None with the new one (and the trainee, if new)
    queued in `state`; a refused row leaves `state` as it was."""
    cohort = state.cohorts.get(row.cohort_id)
    if cohort is None:
        raise NotFound(f"cohort {row.cohort_id}", field="cohort_id")
    mark = fingerprint(row.person)
    known = state.refs.get(row.ref)
    trainee = _new_trainee(row, institute_id, now) if known is None else None
    trainee_id, status = _identity(known, trainee, mark)
    existing = state.enrolled.get((trainee_id, cohort.cohort_id))
    if existing is not None:
        return Onboarded(row.number, row.ref, trainee_id, existing, created=False)
    applied = lifecycle.apply(
        enrollment_id=f"en-{uuid.uuid4().hex[:20]}",
        trainee_id=trainee_id,
        trainee_institute=institute_id,
        cohort=cohort,
        applied_on=row.applied_on,
    )
    enrolled = lifecycle.admit(
        applied,
        cohort,
        seats_taken=state.seats[cohort.cohort_id],
        enrolled_on=max(row.applied_on, cohort.starts_on),
    )
    if trainee is not None:
        state.trainees.append(trainee)
        state.new_refs.append((row.ref, trainee_id, mark))
        state.refs[row.ref] = KnownRef(trainee_id, mark, status)
    state.seats[cohort.cohort_id] += 1
    state.enrolled[(trainee_id, cohort.cohort_id)] = enrolled.enrollment_id
    state.enrollments.append((row.number, row.ref, enrolled, status))
    return None


def _new_trainee(row: OnboardRow, institute_id: str, now: datetime) -> domain.Trainee:
    return domain.register_person(
        row.person, trainee_id=f"tr-{uuid.uuid4().hex[:20]}", institute_id=institute_id, now=now
    )


def _identity(known: KnownRef | None, trainee: domain.Trainee | None, mark: str) -> tuple[str, str]:
    """The trainee id and status a row stands for: a ref seen before must carry the same
    details (else it is another person under a reused reference)."""
    if trainee is not None:
        return trainee.trainee_id, trainee.status
    assert known is not None
    if known.fingerprint is None:
        raise Conflict("the trainee of this ref was erased", field="ref")
    if known.fingerprint != mark:
        raise Conflict("this ref was imported before with other details", field="ref")
    return known.trainee_id, known.status


def settle(state: Batch, made: set[str]) -> tuple[list[Onboarded], list[RowError]]:
    """The queued enrollments the store took (`made`), and those another request made
    meanwhile (the store kept its own)."""
    done, lost = [], []
    for number, ref, enrollment, _ in state.enrollments:
        if enrollment.enrollment_id in made:
            done.append(
                Onboarded(number, ref, enrollment.trainee_id, enrollment.enrollment_id, True)
            )
        else:
            lost.append(RowError(number, "cohort_id", "enrolled meanwhile by another request"))
    return done, lost
