"""Indicators, their definitions, lineage and the funnel: in full for operators, with small
cells suppressed for everyone else."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from traintrack.outcomes.domain.definitions import BY_ID, DEFINITIONS
from traintrack.outcomes.domain.reports import GroupBy
from traintrack.outcomes.domain.tables import as_csv
from traintrack.outcomes.entrypoints.api.deps import PUBLIC, OperatorKey, Views
from traintrack.outcomes.entrypoints.api.schemas import (
    DefinitionOut,
    FunnelRow,
    IndicatorCell,
    Lineage,
)
from traintrack.outcomes.views import Query as Figures
from traintrack.platform.web.models import Day, IdPath
from traintrack.platform.web.openapi import errors


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"  # what the document declares; Starlette adds the charset


router = APIRouter(prefix="/v1", tags=["indicators"])


def _query(
    as_of: Annotated[
        Day | None, Query(description="Figures as known at the end of this day (UTC).")
    ] = None,
    group_by: Annotated[
        GroupBy, Query(description="One dimension of the cohort, or two joined by a comma.")
    ] = "all",
    year: Annotated[int | None, Query(ge=2000, le=2100, description="For skill gains.")] = None,
    family: Literal["national", "exit", "counts"] | None = None,
    indicator: Annotated[
        str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$", description="One indicator.")
    ] = None,
    version: Annotated[
        int | None,
        Query(ge=1, le=1000, description="A published version of `indicator` (default: latest)."),
    ] = None,
) -> Figures:
    return Figures(
        as_of or datetime.now(UTC).date(),
        group_by,
        year,
        family,
        indicator=indicator,
        version=version,
    )


QueryDep = Annotated[Figures, Depends(_query)]


@router.get("/definitions", openapi_extra=PUBLIC)
async def definitions() -> list[DefinitionOut]:
    """Every published version of every indicator: population, numerator, denominator,
    employment rule, exclusions."""
    return [
        DefinitionOut(
            id=d.id,
            version=d.version,
            latest=BY_ID[d.id] is d,
            family=d.family,
            unit=d.unit,
            title=dict(d.title),
            population=d.population,
            statuses=sorted(d.statuses) if d.statuses is not None else None,
            numerator=d.numerator,
            denominator=d.denominator,
            employment_rule=d.employment_rule,
            exclusions=d.exclusions,
        )
        for d in DEFINITIONS
    ]


@router.get("/indicators", responses=errors(404))
async def indicators(q: QueryDep, views: Views, _: OperatorKey) -> list[IndicatorCell]:
    """Every indicator (latest versions, or `indicator` and `version`) per group,
    unsuppressed, as known on `as_of`."""
    return [IndicatorCell(**row) for row in await views.indicators(q)]


@router.get("/indicators.csv", response_class=CsvResponse, responses=errors(404))
async def indicators_csv(q: QueryDep, views: Views, _: OperatorKey) -> CsvResponse:
    """The same, as CSV."""
    return _csv(await views.indicators(q), q)


@router.get("/indicators/{indicator_id}/lineage")
async def lineage(
    indicator_id: IdPath, q: QueryDep, views: Views, _: OperatorKey, group: str = "all"
) -> Lineage:
    """The enrollments (pseudonymous) and the events behind one figure (`version` picks
    a version of the indicator; the latest otherwise)."""
    return Lineage(**await views.lineage(q, indicator_id, group))


@router.get("/funnel", responses=errors(404))
async def funnel(q: QueryDep, views: Views, _: OperatorKey) -> list[FunnelRow]:
    """Enrolled → stage 1 → 2 → 3 → 4 → internship → employed, per group."""
    return [FunnelRow(**row) for row in await views.funnel(q)]


@router.get("/public/indicators", openapi_extra=PUBLIC, responses=errors(404))
async def public_indicators(q: QueryDep, views: Views) -> list[IndicatorCell]:
    """Published indicators: groups about fewer than 5 people are withheld, and enough
    others that none can be recovered by adding or subtracting published cells."""
    return [IndicatorCell(**row) for row in await views.indicators(q.published())]


@router.get(
    "/public/indicators.csv",
    response_class=CsvResponse,
    openapi_extra=PUBLIC,
    responses=errors(404),
)
async def public_indicators_csv(q: QueryDep, views: Views) -> CsvResponse:
    """Published indicators as CSV."""
    return _csv(await views.indicators(q.published()), q)


@router.get("/public/funnel", openapi_extra=PUBLIC, responses=errors(404))
async def public_funnel(q: QueryDep, views: Views) -> list[FunnelRow]:
    """The published funnel: steps of fewer than 5 people are withheld."""
    return [FunnelRow(**row) for row in await views.funnel(q.published())]


def _csv(rows: list[dict[str, object]], q: Figures) -> CsvResponse:
    name = f"indicators-{q.group_by}-{q.as_of.isoformat()}.csv"
    return CsvResponse(
        as_csv(rows),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
