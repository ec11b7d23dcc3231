"""The one place that builds the outcomes service's parts."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from traintrack.outcomes.api import dashboard, imports, indicators, reports, trainees
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_service_app(
        service="outcomes",
        description="Did training lead to work? Employment records from every source, indicators "
        "as known on any date with their lineage, breakdowns, the funnel, CSV and a dashboard.",
        settings=settings or OutcomesSettings(),
        migrations=MIGRATIONS,
        routers=[
            trainees.router,
            reports.router,
            imports.router,
            indicators.router,
            dashboard.router,
        ],
    )
