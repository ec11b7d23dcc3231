"""The enrollment service's facts: cohorts, enrollments, attendance, endings."""

from __future__ import annotations

from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.domain.enrollment import Cohort, EnrollmentFacts
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME
from traintrack.evaluation.handlers.deciding import re_decide


async def open_cohort(command: c.OpenCohort, uow: Uow) -> None:
    """Pinned to the version its programme is assigned now (the default scheme if none)."""
    scheme = await uow.schemes.assigned(command.programme_id) or DEFAULT_SCHEME
    cohort = Cohort(command.cohort_id, command.programme_id, command.institute_id)
    await uow.cohorts.open(cohort, scheme)


async def add_enrollment(command: c.AddEnrollment, uow: Uow) -> None:
    await uow.enrollments.add(
        EnrollmentFacts(
            command.enrollment_id,
            command.trainee_id,
            command.cohort_id,
            command.institute_id,
            programme_id=None,
        )
    )


async def record_attendance(command: c.RecordAttendance, uow: Uow) -> None:
    await record_attendances(c.RecordAttendances((command,)), uow)


async def record_attendances(command: c.RecordAttendances, uow: Uow) -> None:
    """Each enrollment's latest rate of the run; the running ones with evidence decided
    again. Attendance arrives daily for every enrollment; it can only change a decision
    once the enrollment has evidence (stage 1 needs its test too)."""
    latest = {day.enrollment_id: day.rate_to_date for day in command.days}
    running = await uow.enrollments.record_attendance(latest)
    for enrollment_id in sorted(await uow.evidence.held_by(running)):
        await re_decide(uow, enrollment_id, trigger="attendance")


async def end_enrollment(command: c.EndEnrollment, uow: Uow) -> None:
    """Completion, drop-out or not-completed: stage 4 decided again."""
    if await uow.enrollments.end(command.enrollment_id, command.ending, command.final_rate):
        await re_decide(uow, command.enrollment_id, trigger=command.ending)
