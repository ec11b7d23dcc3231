"""Enrollment facts the evaluation service keeps, and the re-decisions they cause
(attendance feeds stage 1, completion and drop-out stage 4)."""

from __future__ import annotations

import asyncpg

from evaluation import handlers, store
from evaluation.credentials import Signer
from traintrack_shared.codec import Envelope
from traintrack_shared.consumer import Handler
from traintrack_shared.contracts import enrollment as facts


def projection_handlers(signer: Signer) -> dict[str, Handler]:
    async def cohort_opened(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.CohortOpened)
        await store.upsert_cohort(conn, data.cohort_id, data.programme_id, data.institute_id)

    async def trainee_enrolled(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.TraineeEnrolled)
        await store.upsert_trainee(
            conn, data.trainee_id, data.enrollment_id, data.cohort_id, data.institute_id
        )

    async def attendance(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.AttendanceRecorded)
        known = await store.update_trainee(conn, data.trainee_id, attendance_rate=data.rate_to_date)
        # Attendance arrives daily for every trainee; it can only change a decision once
        # the trainee has evidence (stage 1 needs its test too).
        if known and await store.has_evidence(conn, data.trainee_id):
            await handlers.re_decide(conn, data.trainee_id, signer)

    async def completed(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.EnrollmentCompleted)
        if await store.update_trainee(
            conn, data.trainee_id, completed=True, attendance_rate=data.attendance_rate
        ):
            await handlers.re_decide(conn, data.trainee_id, signer)

    async def dropped(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.EnrollmentDropped)
        if await store.update_trainee(conn, data.trainee_id, dropped=True):
            await handlers.re_decide(conn, data.trainee_id, signer)

    return {
        facts.CohortOpened.type: cohort_opened,
        facts.TraineeEnrolled.type: trainee_enrolled,
        facts.AttendanceRecorded.type: attendance,
        facts.EnrollmentCompleted.type: completed,
        facts.EnrollmentDropped.type: dropped,
    }
