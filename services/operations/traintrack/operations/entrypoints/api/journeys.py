"""A trainee's journey across every topic (operators only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam

from traintrack.operations.entrypoints.api.deps import CallerKey, Operator, Views
from traintrack.platform.web.audit import personal_read

router = APIRouter(tags=["operations"])
TraineeId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


@router.get("/v1/journeys/{trainee_id}", dependencies=[personal_read("journey")])
async def trainee_journey(
    trainee_id: TraineeId, views: Views, key: CallerKey, _: Operator
) -> dict[str, Any]:
    """Every event about the trainee on every topic (dead letters too), in order, with its
    trace id and a Zipkin link; and each service's current view of the trainee (fetched
    with the caller's own key)."""
    return await views.journey(trainee_id, key)
