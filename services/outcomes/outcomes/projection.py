"""The outcomes worker's handlers: every event an indicator needs becomes a fact; trainee
registrations and enrollments also feed the first slice's trainee view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg
from opentelemetry import trace

from outcomes import store
from outcomes.domain.records import APPLY, Fact
from traintrack_shared.codec import Envelope
from traintrack_shared.consumer import BatchHandler, Handler
from traintrack_shared.contracts import REGISTRY
from traintrack_shared.contracts.enrollment import CohortOpened, TraineeEnrolled, TraineeRegistered


def kind_of(event_type: str) -> str:
    """`traintrack.enrollment.trainee-enrolled.v1` -> `trainee-enrolled`."""
    return event_type.split(".")[2]


def as_fact(event: Envelope) -> Fact:
    data = event.data
    subject = data.cohort_id if isinstance(data, CohortOpened) else data.partition_key()
    return Fact(event.id, kind_of(event.type), subject, event.time, data.model_dump(mode="json"))


async def record_fact(event: Envelope, conn: asyncpg.Connection) -> None:
    trace.get_current_span().set_attribute("traintrack.trainee_id", event.key)
    await store.add_facts(conn, [as_fact(event)])


async def record_facts(
    events: Sequence[Envelope], conn: asyncpg.Connection
) -> Mapping[int, Exception]:
    """Many facts in one round trip (replays, busy topics); none is ever refused."""
    await store.add_facts(conn, [as_fact(e) for e in events])
    return {}


async def record_trainee_registered(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, TraineeRegistered)
    await record_fact(event, conn)
    await conn.execute(
        """INSERT INTO trainees (trainee_id, institute_id, birth_year, region_code, status,
                                 registered_at, source_event_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (trainee_id) DO NOTHING""",
        data.trainee_id,
        data.institute_id,
        data.birth_year,
        data.region_code,
        data.status,
        data.registered_at,
        event.id,
    )


async def record_trainee_enrolled(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, TraineeEnrolled)
    await record_fact(event, conn)
    await conn.execute(
        """INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id,
                                    enrolled_on, event_time, source_event_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (enrollment_id) DO NOTHING""",
        data.enrollment_id,
        data.trainee_id,
        data.institute_id,
        data.cohort_id,
        data.enrolled_on,
        event.time,
        event.id,
    )


FACT_TYPES = [t for t in REGISTRY if kind_of(t) in APPLY or kind_of(t) == "cohort-opened"]
HANDLERS: dict[str, Handler] = {
    **{event_type: record_fact for event_type in FACT_TYPES},
    TraineeRegistered.type: record_trainee_registered,
    TraineeEnrolled.type: record_trainee_enrolled,
}
# Facts that arrive in bulk are stored a batch at a time.
BATCH_HANDLERS: dict[str, BatchHandler] = {
    t: record_facts for t in FACT_TYPES if t not in (TraineeRegistered.type, TraineeEnrolled.type)
}
