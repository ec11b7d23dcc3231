"""The one place that builds the operations service's parts."""

from __future__ import annotations

from fastapi import FastAPI

from traintrack.operations.api import routes
from traintrack.operations.health import Rates
from traintrack.operations.settings import OperationsSettings
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or OperationsSettings()
    assert isinstance(settings, OperationsSettings)
    app = create_service_app(
        service="operations",
        description="For operators: a trainee's journey across every topic with its traces, "
        "consumer lag, dead letters and their replay or discard (audited), pipeline health.",
        settings=settings,
        migrations=None,  # the shared tables only: its audit log
        routers=[routes.router],
    )
    app.state.rates = Rates()
    return app
