"""The outcome dashboard (public: small cells withheld)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from traintrack.outcomes.entrypoints.api.deps import PUBLIC, Views
from traintrack.outcomes.entrypoints.api.pages.dashboard import render
from traintrack.outcomes.entrypoints.api.pages.labels import Lang
from traintrack.outcomes.views import Query as Figures
from traintrack.platform.web.models import Day

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", response_class=HTMLResponse, openapi_extra=PUBLIC)
async def dashboard(
    views: Views,
    lang: Lang = "ko",
    as_of: Annotated[Day | None, Query(description="As known at the end of this day.")] = None,
) -> HTMLResponse:
    """The funnel, employment rates over time, by region and by institute, as charts."""
    q = Figures(as_of or datetime.now(UTC).date(), public=True)
    return HTMLResponse(render(await views.published(q), lang))
