"""Enrollment facts the evaluation service keeps, per enrollment, and the re-decisions
they cause: attendance feeds stage 1; completion, drop-out and not-completed stage 4.
A fact about one enrollment re-decides that enrollment only."""

from __future__ import annotations

from typing import Any

import asyncpg

from traintrack.contracts import enrollment as facts
from traintrack.contracts.codec import Envelope
from traintrack.evaluation import deciding, store
from traintrack.evaluation.credentials import Signer
from traintrack.platform.messaging.consumer import Handler


def projection_handlers(signer: Signer) -> dict[str, Handler]:
    async def update(enrollment_id: str, conn: asyncpg.Connection, **values: Any) -> bool:
        return await store.update_enrollment(conn, enrollment_id, **values)

    async def cohort_opened(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.CohortOpened)
        await store.open_cohort(conn, data.cohort_id, data.programme_id, data.institute_id)

    async def trainee_enrolled(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.TraineeEnrolled)
        await store.add_enrollment(
            conn, data.enrollment_id, data.trainee_id, data.cohort_id, data.institute_id
        )

    async def attendance(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.AttendanceRecorded)
        running = await store.record_attendance(conn, data.enrollment_id, data.rate_to_date)
        # Attendance arrives daily for every enrollment; it can only change a decision
        # once the enrollment has evidence (stage 1 needs its test too).
        if running and await store.has_evidence(conn, data.enrollment_id):
            await deciding.re_decide(conn, data.enrollment_id, signer, trigger="attendance")

    async def completed(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.EnrollmentCompleted)
        rate = data.attendance_rate
        if await update(data.enrollment_id, conn, ending="completed", attendance_rate=rate):
            await deciding.re_decide(conn, data.enrollment_id, signer, trigger="completed")

    async def not_completed(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.EnrollmentNotCompleted)
        rate = data.attendance_rate
        if await update(data.enrollment_id, conn, ending="not_completed", attendance_rate=rate):
            await deciding.re_decide(conn, data.enrollment_id, signer, trigger="not_completed")

    async def dropped(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        assert isinstance(data, facts.EnrollmentDropped)
        if await update(data.enrollment_id, conn, ending="dropped"):
            await deciding.re_decide(conn, data.enrollment_id, signer, trigger="dropped")

    return {
        facts.CohortOpened.type: cohort_opened,
        facts.TraineeEnrolled.type: trainee_enrolled,
        facts.AttendanceRecorded.type: attendance,
        facts.EnrollmentCompleted.type: completed,
        facts.EnrollmentNotCompleted.type: not_completed,
        facts.EnrollmentDropped.type: dropped,
    }
