"""Enrollments and how they end: admission, completion, drop-out, surveys, closing."""

from __future__ import annotations

from dataclasses import asdict
from fractions import Fraction

from fastapi import APIRouter, status

from traintrack.contracts import submissions
from traintrack.contracts.vocabulary import RiskLevel
from traintrack.enrollment.commands import (
    AdmitEnrollment,
    ApplyEnrollment,
    CompleteEnrollment,
    DropEnrollment,
    SubmitSurvey,
)
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.enrollment.entrypoints.api.deps import (
    Bus,
    CohortIdQuery,
    InstituteActor,
    OperatorActor,
    ReaderActor,
    ViewsDep,
)
from traintrack.enrollment.entrypoints.api.schemas import (
    AdmitBody,
    AtRiskEnrollment,
    AtRiskPeriod,
    ClosedPublic,
    EnrollmentCreate,
    EnrollmentPublic,
)
from traintrack.enrollment.entrypoints.closing import close_due_enrollments
from traintrack.enrollment.views import AtRisk
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["enrollments"])


def _public(enrollment: Enrollment) -> EnrollmentPublic:
    return EnrollmentPublic(**asdict(enrollment))


@router.post(
    "/enrollments",
    status_code=status.HTTP_201_CREATED,
    response_model=EnrollmentPublic,
    responses=errors(404, 409),
)
async def apply_enrollment(
    body: EnrollmentCreate,
    bus: Bus,
    actor: InstituteActor,
) -> EnrollmentPublic:
    """Apply a trainee to a cohort and, by default, admit them (takes a seat). Send an
    `Idempotency-Key` to retry safely: the same key returns the first answer."""
    command = ApplyEnrollment(actor, **body.model_dump())
    return _public(await bus.handle(command))


@router.post("/enrollments/close-due")
async def close_due(bus: Bus, _: OperatorActor) -> ClosedPublic:
    """Close now every enrollment whose cohort ended more than the grace period ago
    (`ENROLLMENT_COMPLETION_GRACE_DAYS`), as the API does every half minute: completed at
    >= 80 % on the cohort's last day, otherwise not completed (operators only)."""
    closed = await close_due_enrollments(bus)
    return ClosedPublic(completed=closed.completed, not_completed=closed.not_completed)


@router.get("/enrollments/at-risk", responses=errors(404))
async def list_at_risk(
    views: ViewsDep,
    actor: ReaderActor,
    cohort_id: CohortIdQuery = None,
    level: RiskLevel | None = None,
) -> list[AtRiskEnrollment]:
    """Enrollments in training whose attendance is at risk now: `warning` (80 % still in
    reach, the best possible rate below the warning margin) or `unreachable`, with their
    rates (an institute sees its own; operators all)."""
    found = await views.at_risk(actor, cohort_id=cohort_id, level=level)
    return [_at_risk(a) for a in found]


def _at_risk(found: AtRisk) -> AtRiskEnrollment:
    enrollment = found.enrollment
    return AtRiskEnrollment(
        enrollment_id=enrollment.enrollment_id,
        trainee_id=enrollment.trainee_id,
        cohort_id=enrollment.cohort_id,
        level=found.level.value,
        rate_to_date=_float(found.to_date.rate),
        course_rate=_float(found.course.rate),
        course_best_possible=_float(found.course.best_possible),
        periods=[
            AtRiskPeriod(
                scope=r.scope,
                period=r.period,
                level=r.level.value,
                rate=_float(r.summary.rate),
                best_possible=_float(r.summary.best_possible),
            )
            for r in found.risks
        ],
    )


def _float(value: Fraction) -> float:
    return round(float(value), 4)


@router.get("/enrollments/{enrollment_id}")
async def read_enrollment(
    enrollment_id: IdPath, views: ViewsDep, actor: ReaderActor
) -> EnrollmentPublic:
    """One enrollment (its institute, or an operator)."""
    return _public(await views.enrollment(actor, enrollment_id))


@router.post("/enrollments/{enrollment_id}/admit", responses=errors(409))
async def admit_enrollment(
    enrollment_id: IdPath, body: AdmitBody, bus: Bus, actor: InstituteActor
) -> EnrollmentPublic:
    """Admit a pending application, if the cohort has a seat left."""
    return _public(await bus.handle(AdmitEnrollment(actor, enrollment_id, body.enrolled_on)))


@router.post("/completions", responses=errors(404, 409))
async def complete_enrollment(
    body: submissions.CompleteEnrollment, bus: Bus, actor: InstituteActor
) -> EnrollmentPublic:
    """Complete an enrollment (>= 80 % attendance), or through early employment."""
    return _public(await bus.handle(CompleteEnrollment(actor, **body.model_dump())))


@router.post("/drop-outs", responses=errors(404, 409))
async def drop_enrollment(
    body: submissions.DropEnrollment, bus: Bus, actor: InstituteActor
) -> EnrollmentPublic:
    """Record that a trainee left the course, with the reason."""
    return _public(await bus.handle(DropEnrollment(actor, **body.model_dump())))


@router.post("/surveys", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
async def submit_survey(
    body: submissions.SubmitSurvey, bus: Bus, actor: InstituteActor
) -> submissions.SubmitSurvey:
    """A trainee's satisfaction score (0-100) for their cohort."""
    await bus.handle(SubmitSurvey(actor, **body.model_dump()))
    return body
