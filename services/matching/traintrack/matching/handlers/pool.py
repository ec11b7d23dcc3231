"""The candidate pool, kept from enrollment and evaluation facts.

Facts about a trainee in a course are kept per enrollment; consent and erasure per
person. Every change re-derives the person's view (`domain/holdings.py`) and ends in
`disclosure.reconsider`, which tells the firms. Version-1 evaluation facts (about the
trainee only) apply to the trainee's latest enrollment known when they arrive.
"""

from __future__ import annotations

from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.commands import (
    EndEnrollment,
    Enrollment,
    RecordAssessment,
    RecordCertification,
    RecordCohort,
    RecordEnrollment,
    RecordPerson,
    RecordReinstatement,
    RecordRevocation,
    RecordStagePassed,
    WithdrawStagePass,
)
from traintrack.matching.domain.holdings import holdings
from traintrack.matching.handlers import disclosure

APPLIED_PROJECT_STAGE = 3  # its rubric score is the enrollment's score


async def changed(uow: MatchingUnitOfWork, trainee_id: str) -> None:
    """Re-derive what the person holds, then tell the firms."""
    await uow.candidates.lock(trainee_id)
    courses = await uow.enrollments.courses(trainee_id)
    await uow.candidates.set_holdings(trainee_id, holdings(courses))
    await disclosure.reconsider(uow, trainee_id)


async def _enrollment_of(uow: MatchingUnitOfWork, about: Enrollment) -> str:
    """The enrollment a fact is about, known from now on."""
    if about.enrollment_id is None:
        return await uow.enrollments.latest(about.trainee_id)
    await uow.enrollments.ensure(
        trainee_id=about.trainee_id,
        enrollment_id=about.enrollment_id,
        cohort_id=about.cohort_id,
    )
    return about.enrollment_id


async def record_person(command: RecordPerson, uow: MatchingUnitOfWork) -> None:
    """Registered, consent changed, erased: the person's columns, then the firms."""
    values = {
        k: v
        for k, v in (
            ("institute_id", command.institute_id),
            ("region_code", command.region_code),
            ("consent", command.consent),
            ("erased", command.erased),
        )
        if v is not None
    }
    await uow.candidates.upsert(command.trainee_id, **values)
    await disclosure.reconsider(uow, command.trainee_id)


async def record_cohort(command: RecordCohort, uow: MatchingUnitOfWork) -> None:
    await uow.candidates.upsert_cohort(
        cohort_id=command.cohort_id,
        programme_id=command.programme_id,
        institute_id=command.institute_id,
        field=command.field,
        skills=sorted(command.skills),
        region_code=command.region_code,
        ends_on=command.ends_on,
    )
    # Enrollments may have arrived first (another partition): their skills change now.
    for trainee_id in await uow.enrollments.trainees_in(command.cohort_id):
        await changed(uow, trainee_id)


async def record_enrollment(command: RecordEnrollment, uow: MatchingUnitOfWork) -> None:
    await _enrollment_of(uow, command.enrollment)
    await uow.candidates.upsert(command.enrollment.trainee_id, institute_id=command.institute_id)
    await changed(uow, command.enrollment.trainee_id)


async def end_enrollment(command: EndEnrollment, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    await uow.enrollments.set_status(enrollment_id, command.status)
    await changed(uow, command.enrollment.trainee_id)


async def record_stage_passed(command: RecordStagePassed, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    await uow.enrollments.set_stage(enrollment_id, command.stage, held=True)
    await changed(uow, command.enrollment.trainee_id)


async def withdraw_stage_pass(command: WithdrawStagePass, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    # Before evaluation's revocation arrives (if it comes second), a certified enrollment
    # losing a stage has already lost its credential's basis.
    await uow.enrollments.break_basis(enrollment_id, command.stage)
    await uow.enrollments.set_stage(enrollment_id, command.stage, held=False)
    await changed(uow, command.enrollment.trainee_id)


async def record_assessment(command: RecordAssessment, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    if command.stage == APPLIED_PROJECT_STAGE and command.evidence == "rubric":
        # Both sides score the project; the score is the mean of their latest.
        await uow.enrollments.record_rubric(enrollment_id, command.side, command.value)
    await changed(uow, command.enrollment.trainee_id)


async def record_certification(command: RecordCertification, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    await uow.enrollments.certify(
        credential_id=command.credential_id,
        trainee_id=command.enrollment.trainee_id,
        enrollment_id=enrollment_id,
        programme_id=command.programme_id,
        scheme_id=command.scheme_id,
        scheme_version=command.scheme_version,
        issued_at=command.issued_at,
    )
    await changed(uow, command.enrollment.trainee_id)


async def record_revocation(command: RecordRevocation, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    await uow.enrollments.revoke(
        credential_id=command.credential_id,
        trainee_id=command.enrollment.trainee_id,
        enrollment_id=enrollment_id,
        cause=command.cause,
        reason=command.reason,
        revoked_at=command.revoked_at,
    )
    await changed(uow, command.enrollment.trainee_id)


async def record_reinstatement(command: RecordReinstatement, uow: MatchingUnitOfWork) -> None:
    enrollment_id = await _enrollment_of(uow, command.enrollment)
    await uow.enrollments.reinstate(command.credential_id, enrollment_id)
    await changed(uow, command.enrollment.trainee_id)
