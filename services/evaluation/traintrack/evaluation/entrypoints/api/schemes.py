"""Certification schemes: operators publish versions, assign them to programmes (for
cohorts opened from then on) and move a running cohort to another version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from traintrack.evaluation.commands import AssignScheme, MoveCohortScheme, PublishScheme
from traintrack.evaluation.domain.schemes_io import scheme_to_data
from traintrack.evaluation.entrypoints.api.deps import Bus, OperatorKey, ReaderKey, Views
from traintrack.evaluation.entrypoints.api.schemas import (
    CohortSchemeOut,
    SchemeAssignment,
    SchemeIn,
    SchemeOut,
)
from traintrack.platform.errors import NotFound
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["schemes"])


@router.post("/schemes", status_code=status.HTTP_201_CREATED)
async def publish_scheme(body: SchemeIn, bus: Bus, principal: OperatorKey) -> SchemeOut:
    """Publish the next version of a scheme (operators only); earlier versions stay."""
    scheme = await bus.handle(PublishScheme(principal, **body.model_dump()))
    return SchemeOut(**scheme_to_data(scheme))


@router.get("/schemes/{scheme_id}")
async def read_scheme(
    scheme_id: IdPath,
    views: Views,
    _: ReaderKey,
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> SchemeOut:
    """A scheme version (the latest unless `version` is given)."""
    scheme = await views.scheme(scheme_id, version)
    if scheme is None:
        raise NotFound(f"scheme {scheme_id}")
    return SchemeOut(**scheme_to_data(scheme))


@router.put("/programmes/{programme_id}/scheme")
async def assign_scheme(
    programme_id: IdPath, body: SchemeAssignment, bus: Bus, principal: OperatorKey
) -> SchemeAssignment:
    """Decide which scheme version the programme's cohorts opened from now on are pinned to
    (operators); running cohorts keep theirs."""
    await bus.handle(AssignScheme(principal, programme_id, body.scheme_id, body.version))
    return body


@router.put("/cohorts/{cohort_id}/scheme")
async def move_cohort_scheme(
    cohort_id: IdPath, body: SchemeAssignment, bus: Bus, principal: OperatorKey
) -> CohortSchemeOut:
    """Move a running cohort to another scheme version (operators; audited): every
    enrollment of the cohort is decided again under it, and its decisions record it."""
    decided = await bus.handle(MoveCohortScheme(principal, cohort_id, body.scheme_id, body.version))
    return CohortSchemeOut(
        cohort_id=cohort_id,
        scheme_id=body.scheme_id,
        version=body.version,
        re_decided=len(decided),
    )
