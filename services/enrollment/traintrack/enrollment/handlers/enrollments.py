"""An enrollment's life: applied, enrolled, completed or dropped, and its survey."""

from __future__ import annotations

from traintrack.contracts.vocabulary import DropReason
from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.commands import (
    AdmitEnrollment,
    ApplyEnrollment,
    CompleteEnrollment,
    DropEnrollment,
    SubmitSurvey,
)
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import catalogue
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.enrollment.handlers._common import UoW, new_id, tag_trainee
from traintrack.enrollment.handlers.trainees import trainee_of
from traintrack.platform.errors import Conflict, NotFound


async def apply_enrollment(cmd: ApplyEnrollment, uow: UoW) -> Enrollment:
    tag_trainee(cmd.trainee_id)
    trainee = await trainee_of(cmd.actor, cmd.trainee_id, uow)
    cohort = await uow.catalogue.get_cohort(cmd.cohort_id, lock=cmd.admit)
    if cohort is None or not cmd.actor.may_touch(cohort.institute_id):
        raise NotFound(f"cohort {cmd.cohort_id}")
    enrollment = lifecycle.apply(
        enrollment_id=new_id("en"),
        trainee_id=trainee.trainee_id,
        trainee_institute=trainee.institute_id,
        cohort=cohort,
        applied_on=cmd.applied_on,
    )
    if cmd.admit:
        seats = await uow.enrollments.seats_taken([cohort.cohort_id])
        enrollment = lifecycle.admit(
            enrollment,
            cohort,
            seats_taken=seats[cohort.cohort_id],
            enrolled_on=max(cmd.applied_on, cohort.starts_on),
        )
    if not await uow.enrollments.add(enrollment):
        raise Conflict(f"trainee already enrolled in cohort {cmd.cohort_id}", field="cohort_id")
    if enrollment.status is EnrollmentStatus.ENROLLED:
        uow.emit(events.trainee_enrolled(enrollment, trainee.status))
    return enrollment


async def enrollment_of(
    actor: Actor, enrollment_id: str, uow: UoW, *, trainee_id: str | None = None, lock: bool = False
) -> Enrollment:
    """The enrollment, if the actor may see it (and it is the trainee's, when given)."""
    enrollment = await uow.enrollments.get(enrollment_id, lock=lock)
    if (
        enrollment is None
        or not actor.may_touch(enrollment.institute_id)
        or (trainee_id is not None and enrollment.trainee_id != trainee_id)
    ):
        raise NotFound(f"enrollment {enrollment_id}")
    tag_trainee(enrollment.trainee_id)
    return enrollment


async def _cohort(uow: UoW, cohort_id: str, *, lock: bool = False) -> catalogue.Cohort:
    cohort = await uow.catalogue.get_cohort(cohort_id, lock=lock)
    assert cohort is not None  # an enrollment's cohort exists (foreign key)
    return cohort


async def admit_enrollment(cmd: AdmitEnrollment, uow: UoW) -> Enrollment:
    enrollment = await enrollment_of(cmd.actor, cmd.enrollment_id, uow, lock=True)
    cohort = await _cohort(uow, enrollment.cohort_id, lock=True)
    seats = await uow.enrollments.seats_taken([cohort.cohort_id])
    admitted = lifecycle.admit(
        enrollment, cohort, seats_taken=seats[cohort.cohort_id], enrolled_on=cmd.enrolled_on
    )
    await uow.enrollments.save(admitted)
    trainee = await uow.trainees.get(admitted.trainee_id)
    assert trainee is not None  # an enrollment's trainee exists (foreign key)
    uow.emit(events.trainee_enrolled(admitted, trainee.status))
    return admitted


async def complete_enrollment(cmd: CompleteEnrollment, uow: UoW) -> Enrollment:
    enrollment = await enrollment_of(
        cmd.actor, cmd.enrollment_id, uow, trainee_id=cmd.trainee_id, lock=True
    )
    cohort = await _cohort(uow, enrollment.cohort_id)
    records = (await uow.attendance.of([enrollment.enrollment_id]))[enrollment.enrollment_id]
    if cmd.hired_on is not None:
        done = lifecycle.complete_through_employment(enrollment, cohort, hired_on=cmd.hired_on)
        rate = rules.to_date_summary(cohort, records, cmd.hired_on).rate
    else:
        rate = rules.course_summary(cohort, records).rate
        done = lifecycle.complete(
            enrollment, cohort, completed_on=cmd.completed_on, attendance_rate=rate
        )
    await uow.enrollments.save(done)
    uow.emit(events.enrollment_completed(done, rate))
    return done


async def drop_enrollment(cmd: DropEnrollment, uow: UoW) -> Enrollment:
    enrollment = await enrollment_of(
        cmd.actor, cmd.enrollment_id, uow, trainee_id=cmd.trainee_id, lock=True
    )
    dropped = lifecycle.drop(enrollment, dropped_on=cmd.dropped_on, reason=DropReason(cmd.reason))
    await uow.enrollments.save(dropped)
    uow.emit(events.enrollment_dropped(dropped))
    return dropped


async def submit_survey(cmd: SubmitSurvey, uow: UoW) -> None:
    enrollment = await enrollment_of(cmd.actor, cmd.enrollment_id, uow, trainee_id=cmd.trainee_id)
    if enrollment.status in (EnrollmentStatus.APPLIED, EnrollmentStatus.DROPPED):
        raise Conflict(
            f"an enrollment that is {enrollment.status} takes no survey", field="enrollment_id"
        )
    # The same survey sent again (a retry) changes nothing and announces nothing.
    if await uow.enrollments.upsert_survey(enrollment.enrollment_id, cmd.score, cmd.submitted_on):
        uow.emit(events.survey_submitted(enrollment, cmd.score, cmd.submitted_on))
