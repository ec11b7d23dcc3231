"""Closing enrollments whose cohort has ended (one round of the sweep)."""

from __future__ import annotations

from datetime import date

from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.commands import (
    CloseCohort,
    CloseDueEnrollments,
)
from traintrack.enrollment.domain import closing
from traintrack.enrollment.domain.closing import Closed
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.enrollment.handlers._common import UoW
from traintrack.platform.errors import NotFound


async def close_due_enrollments(
    cmd: CloseDueEnrollments, uow: UoW, *, grace_days: int = 7
) -> Closed:
    """One round of the sweep (`more` when another may find more): the enrollments it
    finds are locked, those another transaction holds are left for the next round."""
    found = await uow.enrollments.due_for_closing(
        today=cmd.today, grace_days=grace_days, limit=cmd.limit
    )
    cohorts = await uow.catalogue.cohorts_by_id(sorted({e.cohort_id for e, _ in found}))
    due = closing.due(found, cohorts, today=cmd.today, grace_days=grace_days)
    closed = await _close(uow, due, cmd.today) if due else Closed()
    closed.more = len(found) == cmd.limit and bool(due)
    return closed


async def close_cohort(cmd: CloseCohort, uow: UoW) -> Closed:
    cohort = await uow.catalogue.get_cohort(cmd.cohort_id, lock=True)
    if cohort is None or not cmd.actor.may_touch(cohort.institute_id):
        raise NotFound(f"cohort {cmd.cohort_id}")
    closing.check_ended(cohort, cmd.today)
    enrollments = await uow.enrollments.in_training(cohort.cohort_id)
    return await _close(uow, enrollments, cmd.today) if enrollments else Closed()


async def _close(uow: UoW, enrollments: list[Enrollment], today: date) -> Closed:
    """Close `enrollments` (locked, all still enrolled) as of `today`."""
    cohorts = await uow.catalogue.cohorts_by_id(sorted({e.cohort_id for e in enrollments}))
    records = await uow.attendance.of([e.enrollment_id for e in enrollments])
    ended = closing.close(enrollments, cohorts, records, today)
    await uow.enrollments.save_closed([e for e, _ in ended])
    for enrollment, rate in ended:
        if enrollment.status is EnrollmentStatus.COMPLETED:
            uow.emit(events.enrollment_completed(enrollment, rate))
        else:
            uow.emit(events.enrollment_not_completed(enrollment, rate, today))
    return closing.tally(ended)
