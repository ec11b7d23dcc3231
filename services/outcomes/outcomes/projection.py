"""Handlers that keep the outcomes projection of enrollment events (one per event type)."""

from __future__ import annotations

import asyncpg
from opentelemetry import trace

from traintrack_shared.codec import Envelope
from traintrack_shared.consumer import Handler
from traintrack_shared.contracts.enrollment import TraineeEnrolled, TraineeRegistered


async def record_trainee_registered(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, TraineeRegistered)
    trace.get_current_span().set_attribute("traintrack.trainee_id", data.trainee_id)
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
    trace.get_current_span().set_attribute("traintrack.trainee_id", data.trainee_id)
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


HANDLERS: dict[str, Handler] = {
    TraineeRegistered.type: record_trainee_registered,
    TraineeEnrolled.type: record_trainee_enrolled,
}
