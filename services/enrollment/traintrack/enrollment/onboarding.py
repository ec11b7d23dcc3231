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
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

import asyncpg

from traintrack.contracts.base import EventData
from traintrack.enrollment import bulk_store, events, store
from traintrack.enrollment.attendance import RowError
from traintrack.enrollment.commands import Actor, RegisterTrainee
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain import trainees as domain
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.platform.errors import Conflict, NotFound, Rejected
from traintrack.platform.messaging import outbox


@dataclass(frozen=True)
class OnboardRow:
    number: int
    ref: str
    cohort_id: str
    applied_on: date
    person: RegisterTrainee


@dataclass(frozen=True)
class Onboarded:
    row: int
    ref: str
    trainee_id: str
    enrollment_id: str
    created: bool


@dataclass
class OnboardResult:
    done: list[Onboarded] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Batch:
    """What the batch knows, growing as rows are decided."""

    refs: dict[str, bulk_store.KnownRef]
    cohorts: dict[str, Cohort]
    seats: dict[str, int]
    enrolled: dict[tuple[str, str], str]
    trainees: list[domain.Trainee] = field(default_factory=list)
    new_refs: list[tuple[str, str, str]] = field(default_factory=list)
    enrollments: list[tuple[int, str, Enrollment, str]] = field(default_factory=list)


def fingerprint(person: RegisterTrainee) -> str:
    canonical = json.dumps(asdict(person), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def onboard(
    rows: Sequence[OnboardRow], actor: Actor, conn: asyncpg.Connection
) -> OnboardResult:
    assert actor.institute_id is not None  # the route admits institutes only
    state = await _load(conn, actor.institute_id, rows)
    result, now = OnboardResult(), datetime.now(UTC)
    for row in rows:
        try:
            done = decide(row, actor.institute_id, state, now)
        except Rejected as refused:
            result.errors.append(RowError(row.number, refused.field or "ref", refused.detail))
        else:
            if done is not None:
                result.done.append(done)
    written, lost = await _write(conn, actor, state)
    result.done += written
    result.errors += lost
    result.done.sort(key=lambda d: d.row)
    result.errors.sort(key=lambda e: e.row)
    return result


async def _load(conn: asyncpg.Connection, institute_id: str, rows: Sequence[OnboardRow]) -> Batch:
    await bulk_store.lock_institute(conn, institute_id)
    cohort_ids = sorted({r.cohort_id for r in rows})
    await bulk_store.lock_cohorts(conn, cohort_ids)
    cohorts = {
        c.cohort_id: c
        for c in (await store.cohorts_by_id(conn, cohort_ids)).values()
        if c.institute_id == institute_id
    }
    refs = await bulk_store.known_refs(conn, institute_id, sorted({r.ref for r in rows}))
    return Batch(
        refs,
        cohorts,
        await bulk_store.seats_taken(conn, sorted(cohorts)),
        await bulk_store.enrollments_of(conn, sorted({k.trainee_id for k in refs.values()})),
    )


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
        state.refs[row.ref] = bulk_store.KnownRef(trainee_id, mark, status)
    state.seats[cohort.cohort_id] += 1
    state.enrolled[(trainee_id, cohort.cohort_id)] = enrolled.enrollment_id
    state.enrollments.append((row.number, row.ref, enrolled, status))
    return None


def _new_trainee(row: OnboardRow, institute_id: str, now: datetime) -> domain.Trainee:
    person = row.person
    return domain.register_trainee(
        trainee_id=f"tr-{uuid.uuid4().hex[:20]}",
        institute_id=institute_id,
        birth_year=person.birth_year,
        region_code=person.region_code,
        status=person.status,
        consent_share_with_firms=person.consent_share_with_firms,
        personal=domain.PersonalDetails(person.name, person.email, person.phone),
        now=now,
    )


def _identity(
    known: bulk_store.KnownRef | None, trainee: domain.Trainee | None, mark: str
) -> tuple[str, str]:
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


async def _write(
    conn: asyncpg.Connection, actor: Actor, state: Batch
) -> tuple[list[Onboarded], list[RowError]]:
    assert actor.institute_id is not None
    await bulk_store.add_trainees(conn, state.trainees, by=actor.name)
    if state.new_refs:
        await bulk_store.add_refs(conn, actor.institute_id, state.new_refs)
    made = await bulk_store.add_enrollments(conn, [e for _, _, e, _ in state.enrollments])
    emitted: list[EventData] = [events.trainee_registered(t) for t in state.trainees]
    done, lost = [], []
    for number, ref, enrollment, status in state.enrollments:
        if enrollment.enrollment_id not in made:
            lost.append(RowError(number, "cohort_id", "enrolled meanwhile by another request"))
            continue
        emitted.append(events.trainee_enrolled(enrollment, status))
        done.append(Onboarded(number, ref, enrollment.trainee_id, enrollment.enrollment_id, True))
    await outbox.add_events(conn, emitted, source=events.SOURCE)
    return done, lost
