"""The one place that builds the outcomes service's parts: its app, its worker and the
event consumer the worker and the replay share."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from traintrack.contracts.codec import Envelope
from traintrack.outcomes.adapters.uow import OutcomesUnitOfWork
from traintrack.outcomes.entrypoints import worker
from traintrack.outcomes.entrypoints.api import dashboard, imports, indicators, reports, trainees
from traintrack.outcomes.handlers import HANDLERS
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.outcomes.views import Views
from traintrack.platform.bus import MessageBus
from traintrack.platform.db import Connection
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.dlq import Publish
from traintrack.platform.messaging.streams import StreamApp, create_stream_app, publisher
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def bus_on(pool: asyncpg.Pool) -> MessageBus[OutcomesUnitOfWork]:
    return MessageBus(HANDLERS, lambda: OutcomesUnitOfWork(pool))


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    async def on_startup(pool: asyncpg.Pool) -> None:
        app.state.bus, app.state.views = bus_on(pool), Views(pool)

    app = create_service_app(
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
        on_startup=on_startup,
    )
    return app


def event_consumer(pool: asyncpg.Pool, *, name: str, publish: Publish) -> EventConsumer:
    """Events to commands to the bus, in the consumer's transaction (with its inbox claims):
    the unit of work is a savepoint on the consumer's connection."""
    bus = bus_on(pool)

    async def run(events: Sequence[Envelope], conn: Connection) -> dict[int, Exception]:
        async with OutcomesUnitOfWork(connection=conn) as uow:
            await bus.handle_in(worker.command_for(events), uow)
        return {}  # none is ever refused

    async def run_one(event: Envelope, conn: Connection) -> None:
        await run([event], conn)

    return EventConsumer(
        name=name,
        pool=pool,
        handlers=dict.fromkeys(worker.COMMANDS, run_one),
        batch_handlers=dict.fromkeys(worker.COMMANDS, run),
        publish=publish,
    )


def create_worker(settings: ServiceSettings) -> StreamApp:
    assert isinstance(settings, OutcomesSettings)
    app = create_stream_app(
        settings.consumer_name, kafka=settings.kafka, state_dir=settings.state_dir
    )

    async def build_consumer() -> EventConsumer:  # one for every topic
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        return event_consumer(pool, name=settings.consumer_name, publish=publisher(app))

    worker.subscribe(app, build_consumer)
    return app
