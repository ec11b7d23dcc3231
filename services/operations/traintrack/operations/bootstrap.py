"""The one place that builds the operations service's parts."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from fastapi import FastAPI

from traintrack.operations.adapters.dead_letters import KafkaDeadLetters
from traintrack.operations.adapters.uow import OperationsUnitOfWork
from traintrack.operations.domain.pipeline import Rates
from traintrack.operations.entrypoints.api import dead_letters, health, journeys, lag
from traintrack.operations.handlers import HANDLERS
from traintrack.operations.settings import OperationsSettings
from traintrack.operations.views import OperationsViews
from traintrack.platform.bus import MessageBus
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def bus(settings: OperationsSettings, pool: asyncpg.Pool) -> MessageBus[OperationsUnitOfWork]:
    def uow() -> OperationsUnitOfWork:
        return OperationsUnitOfWork(pool, dead_letters=KafkaDeadLetters(settings.kafka))

    return MessageBus(HANDLERS, uow)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or OperationsSettings()
    assert isinstance(settings, OperationsSettings)
    rates = Rates()  # lives as long as the app: events/s compare successive looks

    async def on_startup(pool: asyncpg.Pool) -> None:
        app.state.bus = bus(settings, pool)
        app.state.views = OperationsViews(settings, pool, rates)

    app = create_service_app(
        service="operations",
        description="For operators: a trainee's journey across every topic with its traces, "
        "consumer lag, dead letters and their replay or discard (audited), pipeline health.",
        settings=settings,
        migrations=MIGRATIONS,  # none of its own yet: the shared tables hold its audit log
        routers=[journeys.router, lag.router, dead_letters.router, health.router],
        on_startup=on_startup,
    )
    return app
