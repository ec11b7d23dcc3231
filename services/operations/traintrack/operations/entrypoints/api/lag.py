"""Consumer lag (operators only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from traintrack.operations.entrypoints.api.deps import Operator, Views

router = APIRouter(tags=["operations"])


@router.get("/v1/lag")
async def consumer_lag(views: Views, _: Operator) -> list[dict[str, Any]]:
    """Per consumer, topic and partition: committed offset, end offset, lag."""
    return [r.__dict__ | {"lag": r.lag} for r in await views.lag()]
