"""The outcomes worker's handlers: every event an indicator needs becomes a fact; trainee
registrations and enrollments also feed the first slice's trainee view."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, time

import asyncpg
from opentelemetry import trace

from traintrack.contracts import REGISTRY
from traintrack.contracts.codec import Envelope
from traintrack.contracts.enrollment import CohortOpened, TraineeEnrolled, TraineeRegistered
from traintrack.contracts.outcomes import HistoryRecordImported
from traintrack.outcomes import store
from traintrack.outcomes.domain.records import KINDS, Fact
from traintrack.platform.messaging.consumer import BatchHandler, Handler


def kind_of(event_type: str) -> str:
    """`traintrack.enrollment.trainee-enrolled.v1` -> `trainee-enrolled`."""
    return event_type.split(".")[2]


def as_fact(event: Envelope) -> Fact:
    data = event.data
    if isinstance(data, HistoryRecordImported):
        return imported_fact(event.id, data)
    subject = data.cohort_id if isinstance(data, CohortOpened) else data.partition_key()
    return Fact(event.id, kind_of(event.type), subject, event.time, data.model_dump(mode="json"))


def imported_fact(event_id: str, data: HistoryRecordImported) -> Fact:
    """A migrated record is the fact it stands for, known from when it was first reported."""
    return Fact(
        event_id,
        kind_of(data.record_type),
        data.subject_id,
        datetime.combine(data.reported_on, time.min, tzinfo=UTC),
        data.record,
        (data.import_id, data.imported_by),
    )


async def record_fact(event: Envelope, conn: asyncpg.Connection) -> None:
    trace.get_current_span().set_attribute("traintrack.trainee_id", event.key)
    await store.add_facts(conn, [as_fact(event)])


async def record_facts(
    events: Sequence[Envelope], conn: asyncpg.Connection
) -> Mapping[int, Exception]:
    """Many facts in one round trip (replays, busy topics); none is ever refused."""
    await store.add_facts(conn, [as_fact(e) for e in events])
    return {}


_TRAINEE = """INSERT INTO trainees (trainee_id, institute_id, birth_year, region_code, status,
                                  registered_at, source_event_id)
              VALUES ($1, $2, $3, $4, $5, $6, $7)
              ON CONFLICT (trainee_id) DO NOTHING"""
_ENROLLMENT = """INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id,
                                         enrolled_on, event_time, source_event_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (enrollment_id) DO NOTHING"""


def _trainee_row(event: Envelope) -> tuple[object, ...]:
    data = event.data
    assert isinstance(data, TraineeRegistered)
    return (
        data.trainee_id,
        data.institute_id,
        data.birth_year,
        data.region_code,
        data.status,
        data.registered_at,
        event.id,
    )


def _enrollment_row(event: Envelope) -> tuple[object, ...]:
    data = event.data
    assert isinstance(data, TraineeEnrolled)
    return (
        data.enrollment_id,
        data.trainee_id,
        data.institute_id,
        data.cohort_id,
        data.enrolled_on,
        event.time,
        event.id,
    )


async def record_trainee_registered(event: Envelope, conn: asyncpg.Connection) -> None:
    await record_fact(event, conn)
    await conn.execute(_TRAINEE, *_trainee_row(event))


async def record_trainee_enrolled(event: Envelope, conn: asyncpg.Connection) -> None:
    await record_fact(event, conn)
    await conn.execute(_ENROLLMENT, *_enrollment_row(event))


def _with_view(sql: str, row: Callable[[Envelope], tuple[object, ...]]) -> BatchHandler:
    """Facts plus the trainee view's rows, a batch at a time (a replay reads thousands of
    registrations in a row; one transaction each made it wait on every commit)."""

    async def record(events: Sequence[Envelope], conn: asyncpg.Connection) -> dict[int, Exception]:
        await store.add_facts(conn, [as_fact(e) for e in events])
        await conn.executemany(sql, [row(e) for e in events])
        return {}

    return record


FACT_TYPES = [t for t in REGISTRY if kind_of(t) in KINDS] + [HistoryRecordImported.type]
HANDLERS: dict[str, Handler] = {
    **{event_type: record_fact for event_type in FACT_TYPES},
    TraineeRegistered.type: record_trainee_registered,
    TraineeEnrolled.type: record_trainee_enrolled,
}
# Facts that arrive in bulk are stored a batch at a time.
BATCH_HANDLERS: dict[str, BatchHandler] = {
    **{t: record_facts for t in FACT_TYPES},
    TraineeRegistered.type: _with_view(_TRAINEE, _trainee_row),
    TraineeEnrolled.type: _with_view(_ENROLLMENT, _enrollment_row),
}
