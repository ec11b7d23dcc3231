"""The one place that builds the evaluation service's parts from its settings: the signer,
the bus and its units of work, the read side, the API app and the worker."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import asyncpg
from fastapi import FastAPI

from traintrack.contracts.codec import Envelope
from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters.keys import KeyStore
from traintrack.evaluation.adapters.signing import Signer
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork
from traintrack.evaluation.commands import ShipDefaultScheme
from traintrack.evaluation.entrypoints import worker
from traintrack.evaluation.entrypoints.api import ROUTERS
from traintrack.evaluation.handlers import HANDLERS
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.evaluation.views import Views
from traintrack.platform.bus import MessageBus
from traintrack.platform.db import Connection
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import BatchHandler, EventConsumer, Handler
from traintrack.platform.messaging.streams import StreamApp, create_stream_app, publisher
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"
Bus = MessageBus[EvaluationUnitOfWork]


def create_keys(settings: EvaluationSettings) -> KeyStore:
    return KeyStore(settings.signing_keys_dir, legacy_file=settings.signing_key_file)


def create_signer(settings: EvaluationSettings) -> Signer:
    return Signer(create_keys(settings), settings.public_url)


def create_bus(pool: asyncpg.Pool, signer: Signer) -> Bus:
    return MessageBus(HANDLERS, lambda: EvaluationUnitOfWork(pool, signer=signer))


def event_handlers(bus: Bus, signer: Signer) -> dict[str, Handler]:
    """Each followed event type: its command, run on the consumer's connection (a savepoint
    inside the transaction that holds the event's inbox claim)."""

    async def handle(event: Envelope, conn: Connection) -> None:
        command = worker.COMMANDS[type(event.data)](event.data)
        async with EvaluationUnitOfWork(connection=conn, signer=signer) as uow:
            await bus.handle_in(command, uow)

    return {event_type.type: handle for event_type in worker.COMMANDS}


def batch_event_handlers(bus: Bus, signer: Signer) -> dict[str, BatchHandler]:
    """Attendance, a day of every trainee: a run of it as one command, applied set-wise in
    the transaction that holds the run's inbox claims."""

    async def handle(events: Sequence[Envelope], conn: Connection) -> Mapping[int, Exception]:
        days = tuple(
            cast(c.RecordAttendance, worker.COMMANDS[type(e.data)](e.data)) for e in events
        )
        async with EvaluationUnitOfWork(connection=conn, signer=signer) as uow:
            await bus.handle_in(c.RecordAttendances(days), uow)
        return {}

    return {event_type.type: handle for event_type in worker.ATTENDANCE}


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or EvaluationSettings()
    assert isinstance(settings, EvaluationSettings)
    signer = create_signer(settings)

    async def start(pool: asyncpg.Pool) -> None:
        await asyncio.to_thread(signer.store.newest)  # a first key is made now, not mid-request
        bus = create_bus(pool, signer)
        await bus.handle(ShipDefaultScheme())
        app.state.bus, app.state.views = bus, Views(pool, signer)

    app = create_service_app(
        service="evaluation",
        description="The 4-stage project certification: schemes as versioned data, stage "
        "decisions, and credentials anyone can verify.",
        settings=settings,
        migrations=MIGRATIONS,
        routers=ROUTERS,
        on_startup=start,
    )
    app.state.signer = signer
    return app


def create_worker(settings: ServiceSettings) -> StreamApp:
    assert isinstance(settings, EvaluationSettings)
    app = create_stream_app(
        settings.consumer_name, kafka=settings.kafka, state_dir=settings.state_dir
    )

    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        signer = create_signer(settings)
        await asyncio.to_thread(signer.store.newest)
        bus = create_bus(pool, signer)
        await bus.handle(ShipDefaultScheme())
        return EventConsumer(
            name=settings.consumer_name,
            pool=pool,
            handlers=event_handlers(bus, signer),
            batch_handlers=batch_event_handlers(bus, signer),
            publish=publisher(app),
        )

    worker.add_agents(app, build_consumer)
    return app
