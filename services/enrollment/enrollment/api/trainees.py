"""Trainees and their enrollments, for the institute that registered them."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from enrollment import handlers, store
from enrollment.api.deps import InstituteKey, InstituteOrOperatorKey, PoolDep
from enrollment.api.schemas import EnrollmentCreate, EnrollmentPublic, TraineeCreate, TraineePublic
from enrollment.commands import EnrollTrainee, RegisterTrainee
from enrollment.domain.trainees import Enrollment, Trainee
from traintrack_shared.auth import Role
from traintrack_shared.errors import NotFound

router = APIRouter(prefix="/v1", tags=["trainees"])


def _public(trainee: Trainee) -> TraineePublic:
    fields = {k: v for k, v in asdict(trainee).items() if k != "personal"}
    return TraineePublic(**fields, **asdict(trainee.personal))


def _enrollment(enrollment: Enrollment) -> EnrollmentPublic:
    return EnrollmentPublic(**asdict(enrollment))


@router.post("/trainees", status_code=status.HTTP_201_CREATED)
async def register_trainee(
    body: TraineeCreate, pool: PoolDep, principal: InstituteKey
) -> TraineePublic:
    """Register a trainee of the calling institute (institute keys only)."""
    trainee = await handlers.register_trainee(
        RegisterTrainee(institute_id=principal.tenant, **body.model_dump()), pool
    )
    return _public(trainee)


@router.get("/trainees/{trainee_id}")
async def read_trainee(
    trainee_id: str, pool: PoolDep, principal: InstituteOrOperatorKey
) -> TraineePublic:
    """One trainee (their institute, or an operator)."""
    async with pool.acquire() as conn:
        trainee = await store.get_trainee(conn, trainee_id)
    if trainee is None or (
        principal.role is Role.INSTITUTE and trainee.institute_id != principal.tenant
    ):
        raise NotFound(f"trainee {trainee_id}")
    return _public(trainee)


@router.post("/enrollments", status_code=status.HTTP_201_CREATED)
async def enroll_trainee(
    body: EnrollmentCreate, pool: PoolDep, principal: InstituteKey
) -> EnrollmentPublic:
    """Enroll one of the calling institute's trainees in a cohort (institute keys only)."""
    enrollment = await handlers.enroll_trainee(
        EnrollTrainee(institute_id=principal.tenant, **body.model_dump()), pool
    )
    return _enrollment(enrollment)
