"""Pipeline health: a page for people and Prometheus figures (counts, no message contents:
public like /metrics), and the same figures as JSON for operators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, PlainTextResponse

from traintrack.operations.entrypoints.api.deps import PUBLIC, Operator, Views
from traintrack.operations.entrypoints.api.metrics import prometheus
from traintrack.operations.entrypoints.api.page import render_page

router = APIRouter(tags=["operations"])


@router.get("/ops", response_class=HTMLResponse, openapi_extra=PUBLIC)
async def ops_page(views: Views) -> HTMLResponse:
    """Pipeline health for people: lag, dead letters, last errors, outboxes, rates."""
    return HTMLResponse(render_page(await views.health()))


@router.get("/metrics/pipeline", response_class=PlainTextResponse, openapi_extra=PUBLIC)
async def pipeline_metrics(views: Views) -> PlainTextResponse:
    """Prometheus: consumer lag and committed offsets, DLQ sizes, last dead letter per
    consumer, each service's outbox backlog and age."""
    text = prometheus(await views.health())
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


@router.get("/v1/health")
async def pipeline_health(views: Views, _: Operator) -> dict[str, Any]:
    """The operator page's figures as JSON: consumers (lag, events/s, last dead letter),
    dead letters per topic, each service's outbox backlog and age."""
    state = await views.health()
    return {k: v for k, v in state.items() if k != "partitions"}
