"""The catalogue: institutes (operators create them), their programmes and cohorts."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from traintrack.enrollment import closing, handlers, store
from traintrack.enrollment.api.deps import (
    CohortIdPath,
    InstituteActor,
    OperatorActor,
    PoolDep,
    ReaderActor,
)
from traintrack.enrollment.api.schemas import (
    CohortClosed,
    CohortCreate,
    CohortPublic,
    InstituteCreate,
    InstitutePublic,
    ProgrammeCreate,
    ProgrammePublic,
    Satisfaction,
)
from traintrack.enrollment.commands import CreateInstitute, DefineProgramme, OpenCohort
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.platform.errors import NotFound

router = APIRouter(prefix="/v1", tags=["catalogue"])


def _cohort(cohort: Cohort, counts: dict[str, int] | None = None) -> CohortPublic:
    return CohortPublic(
        **asdict(cohort),
        public_holidays=list(cohort.public_holidays()),
        training_days=len(cohort.training_days()),
        enrollments=counts or {},
    )


@router.post("/institutes", status_code=status.HTTP_201_CREATED)
async def create_institute(
    body: InstituteCreate, pool: PoolDep, _: OperatorActor
) -> InstitutePublic:
    """Add a training institute to the catalogue (operators only)."""
    async with pool.acquire() as conn, conn.transaction():
        institute = await handlers.create_institute(CreateInstitute(**body.model_dump()), conn)
    return InstitutePublic(**asdict(institute))


@router.get("/institutes")
async def list_institutes(pool: PoolDep, actor: ReaderActor) -> list[InstitutePublic]:
    """Institutes: all for operators, its own for an institute."""
    async with pool.acquire() as conn:
        found = await store.list_institutes(conn, actor.institute_id)
    return [InstitutePublic(**asdict(i)) for i in found]


@router.post("/programmes", status_code=status.HTTP_201_CREATED)
async def define_programme(
    body: ProgrammeCreate, pool: PoolDep, actor: InstituteActor
) -> ProgrammePublic:
    """Define a programme (course) of the calling institute."""
    async with pool.acquire() as conn, conn.transaction():
        programme = await handlers.define_programme(
            DefineProgramme(**body.model_dump()), actor, conn
        )
    return ProgrammePublic(**asdict(programme))


@router.get("/programmes")
async def list_programmes(pool: PoolDep, actor: ReaderActor) -> list[ProgrammePublic]:
    """Programmes: all for operators, its own for an institute."""
    async with pool.acquire() as conn:
        found = await store.list_programmes(conn, actor.institute_id)
    return [ProgrammePublic(**asdict(p)) for p in found]


@router.post("/cohorts", status_code=status.HTTP_201_CREATED)
async def open_cohort(body: CohortCreate, pool: PoolDep, actor: InstituteActor) -> CohortPublic:
    """Open a cohort (one run of a programme) of the calling institute."""
    async with pool.acquire() as conn, conn.transaction():
        command = OpenCohort(**(body.model_dump() | {"closed_days": tuple(body.closed_days)}))
        cohort = await handlers.open_cohort(command, actor, conn)
    return _cohort(cohort)


@router.get("/cohorts")
async def list_cohorts(pool: PoolDep, actor: ReaderActor) -> list[CohortPublic]:
    """Cohorts: all for operators, its own for an institute."""
    async with pool.acquire() as conn:
        found = await store.list_cohorts(conn, actor.institute_id)
        counts = await store.status_counts(conn, [c.cohort_id for c in found])
    return [_cohort(c, counts[c.cohort_id]) for c in found]


@router.get("/cohorts/{cohort_id}")
async def read_cohort(cohort_id: CohortIdPath, pool: PoolDep, actor: ReaderActor) -> CohortPublic:
    """One cohort (its institute, or an operator)."""
    async with pool.acquire() as conn:
        cohort = await store.get_cohort(conn, cohort_id)
        if cohort is None or not actor.may_touch(cohort.institute_id):
            raise NotFound(f"cohort {cohort_id}")
        counts = await store.status_counts(conn, [cohort_id])
    return _cohort(cohort, counts[cohort_id])


@router.post("/cohorts/{cohort_id}/close")
async def close_cohort(cohort_id: CohortIdPath, pool: PoolDep, actor: ReaderActor) -> CohortClosed:
    """Close an ended cohort now, without waiting for its grace period (its records are
    in): every enrollment still in training is completed at >= 80 % or not completed.
    Its institute or an operator; closing again changes nothing."""
    async with pool.acquire() as conn, conn.transaction():
        cohort = await store.get_cohort(conn, cohort_id, lock=True)
        if cohort is None or not actor.may_touch(cohort.institute_id):
            raise NotFound(f"cohort {cohort_id}")
        closed = await closing.close_cohort(conn, cohort, handlers.today())
    return CohortClosed(
        cohort_id=cohort_id, completed=closed.completed, not_completed=closed.not_completed
    )


@router.get("/cohorts/{cohort_id}/satisfaction")
async def cohort_satisfaction(
    cohort_id: CohortIdPath, pool: PoolDep, actor: ReaderActor
) -> Satisfaction:
    """Satisfaction survey responses and their mean (0-100) for one cohort."""
    async with pool.acquire() as conn:
        cohort = await store.get_cohort(conn, cohort_id)
        if cohort is None or not actor.may_touch(cohort.institute_id):
            raise NotFound(f"cohort {cohort_id}")
        responses, mean = await store.cohort_survey_mean(conn, cohort_id)
    return Satisfaction(
        cohort_id=cohort_id,
        responses=responses,
        mean_score=round(mean, 1) if mean is not None else None,
    )
