"""The catalogue: institutes (operators create them), their programmes and cohorts."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from traintrack.enrollment.commands import (
    CloseCohort,
    CreateInstitute,
    DefineProgramme,
    OpenCohort,
)
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.entrypoints.api.deps import (
    Bus,
    CohortIdPath,
    InstituteActor,
    OperatorActor,
    ReaderActor,
    ViewsDep,
)
from traintrack.enrollment.entrypoints.api.schemas import (
    CohortClosed,
    CohortCreate,
    CohortPublic,
    InstituteCreate,
    InstitutePublic,
    ProgrammeCreate,
    ProgrammePublic,
    Satisfaction,
)
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["catalogue"])


def _cohort(cohort: Cohort, counts: dict[str, int] | None = None) -> CohortPublic:
    return CohortPublic(
        **asdict(cohort),
        public_holidays=list(cohort.public_holidays()),
        training_days=len(cohort.training_days()),
        enrollments=counts or {},
    )


@router.post("/institutes", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def create_institute(
    body: InstituteCreate, bus: Bus, actor: OperatorActor
) -> InstitutePublic:
    """Add a training institute to the catalogue (operators only)."""
    institute = await bus.handle(CreateInstitute(actor, **body.model_dump()))
    return InstitutePublic(**asdict(institute))


@router.get("/institutes")
async def list_institutes(views: ViewsDep, actor: ReaderActor) -> list[InstitutePublic]:
    """Institutes: all for operators, its own for an institute."""
    return [InstitutePublic(**asdict(i)) for i in await views.institutes(actor)]


@router.post("/programmes", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def define_programme(
    body: ProgrammeCreate, bus: Bus, actor: InstituteActor
) -> ProgrammePublic:
    """Define a programme (course) of the calling institute."""
    programme = await bus.handle(DefineProgramme(actor, **body.model_dump()))
    return ProgrammePublic(**asdict(programme))


@router.get("/programmes")
async def list_programmes(views: ViewsDep, actor: ReaderActor) -> list[ProgrammePublic]:
    """Programmes: all for operators, its own for an institute."""
    return [ProgrammePublic(**asdict(p)) for p in await views.programmes(actor)]


@router.post("/cohorts", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
async def open_cohort(body: CohortCreate, bus: Bus, actor: InstituteActor) -> CohortPublic:
    """Open a cohort (one run of a programme) of the calling institute."""
    fields = body.model_dump() | {"closed_days": tuple(body.closed_days)}
    return _cohort(await bus.handle(OpenCohort(actor, **fields)))


@router.get("/cohorts")
async def list_cohorts(views: ViewsDep, actor: ReaderActor) -> list[CohortPublic]:
    """Cohorts: all for operators, its own for an institute."""
    return [_cohort(c, counts) for c, counts in await views.cohorts(actor)]


@router.get("/cohorts/{cohort_id}")
async def read_cohort(cohort_id: CohortIdPath, views: ViewsDep, actor: ReaderActor) -> CohortPublic:
    """One cohort (its institute, or an operator)."""
    return _cohort(*await views.cohort(actor, cohort_id))


@router.post("/cohorts/{cohort_id}/close", responses=errors(409))
async def close_cohort(cohort_id: CohortIdPath, bus: Bus, actor: ReaderActor) -> CohortClosed:
    """Close an ended cohort now, without waiting for its grace period (its records are
    in): every enrollment still in training is completed at >= 80 % or not completed.
    Its institute or an operator; closing again changes nothing."""
    closed = await bus.handle(CloseCohort(actor, cohort_id))
    return CohortClosed(
        cohort_id=cohort_id, completed=closed.completed, not_completed=closed.not_completed
    )


@router.get("/cohorts/{cohort_id}/satisfaction")
async def cohort_satisfaction(
    cohort_id: CohortIdPath, views: ViewsDep, actor: ReaderActor
) -> Satisfaction:
    """Satisfaction survey responses and their mean (0-100) for one cohort."""
    responses, mean = await views.satisfaction(actor, cohort_id)
    return Satisfaction(
        cohort_id=cohort_id,
        responses=responses,
        mean_score=round(mean, 1) if mean is not None else None,
    )
