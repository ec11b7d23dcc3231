"""The outcome dashboard (public: small cells withheld)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from traintrack.outcomes import reporting
from traintrack.outcomes.api.deps import PUBLIC, PoolDep
from traintrack.outcomes.dashboard.labels import Lang
from traintrack.outcomes.dashboard.page import render

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", response_class=HTMLResponse, openapi_extra=PUBLIC)
async def dashboard(
    pool: PoolDep,
    lang: Lang = "ko",
    as_of: Annotated[date | None, Query(description="As known at the end of this day.")] = None,
) -> HTMLResponse:
    """The funnel, employment rates over time, by region and by institute, as charts."""
    q = reporting.Query(as_of or datetime.now(UTC).date(), public=True)
    return HTMLResponse(render(await reporting.published(pool, q), lang))
