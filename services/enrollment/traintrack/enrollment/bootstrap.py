"""The one place that builds the enrollment service's parts from its settings: the unit of
work factory, the bus (its handlers given what they need of the settings), the views, the
API app and the worker."""

from __future__ import annotations

import functools
import inspect
from fractions import Fraction
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import FastAPI

from traintrack.enrollment.adapters.uow import EnrollmentUnitOfWork
from traintrack.enrollment.entrypoints import worker
from traintrack.enrollment.entrypoints.api import (
    attendance,
    catalogue,
    enrollments,
    imports,
    trainees,
)
from traintrack.enrollment.entrypoints.closing import keep_closing
from traintrack.enrollment.handlers import HANDLERS, Handler
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.enrollment.views import Views
from traintrack.platform.bus import MessageBus
from traintrack.platform.db import Connection
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.signatures import SubmissionVerifier, load_master
from traintrack.platform.messaging.streams import StreamApp, create_stream_app, publisher
from traintrack.platform.polling import Polls
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app
from traintrack.platform.web.auth import Keyring

MIGRATIONS = Path(__file__).parent / "migrations"


def _inject(handler: Handler, **dependencies: Any) -> Handler:
    """`handler` given those of `dependencies` it asks for by name (keyword-only)."""
    wanted = inspect.signature(handler).parameters
    given = {name: value for name, value in dependencies.items() if name in wanted}
    return functools.partial(handler, **given) if given else handler


def handlers(*, warn_below: Fraction, grace_days: int) -> dict[type, Handler]:
    """HANDLERS, each given the settings it asks for."""
    given = {"warn_below": warn_below, "grace_days": grace_days}
    return {command: _inject(handler, **given) for command, handler in HANDLERS.items()}


def bus(settings: EnrollmentSettings, pool: asyncpg.Pool) -> MessageBus[EnrollmentUnitOfWork]:
    commands = handlers(warn_below=settings.warn_below, grace_days=settings.completion_grace_days)
    return MessageBus(commands, lambda: EnrollmentUnitOfWork(pool))


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or EnrollmentSettings()
    assert isinstance(settings, EnrollmentSettings)

    async def on_startup(pool: asyncpg.Pool) -> None:
        app.state.bus = bus(settings, pool)
        app.state.views = Views(pool, warn_below=settings.warn_below)

    async def close_due_enrollments(pool: asyncpg.Pool, polls: Polls) -> None:
        await keep_closing(app.state.bus, polls, every=settings.close_interval_seconds)

    app = create_service_app(
        service="enrollment",
        description="Institutes register trainees and enrollments. The only store of "
        "trainees' personal details; events carry pseudonymous ids only.",
        settings=settings,
        migrations=MIGRATIONS,
        routers=[
            catalogue.router,
            trainees.router,
            enrollments.router,
            attendance.router,
            imports.router,
        ],
        on_startup=on_startup,
        background=[close_due_enrollments],
    )
    return app


def create_worker(settings: ServiceSettings) -> StreamApp:
    assert isinstance(settings, EnrollmentSettings)
    _signing_master(settings)  # a worker without its master secret fails at start, not later
    app = create_stream_app(
        settings.consumer_name, kafka=settings.kafka, state_dir=settings.state_dir
    )

    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        return consumer_of(settings, pool, publish=publisher(app))

    worker.add_agents(app, build_consumer, batch=settings.batch_size)
    return app


def _signing_master(settings: EnrollmentSettings) -> bytes:
    """Created on first need in development; elsewhere a missing one is an error."""
    return load_master(
        settings.submission_signing_master_file, create=settings.environment == "development"
    )


def consumer_of(settings: EnrollmentSettings, pool: asyncpg.Pool, *, publish: Any) -> EventConsumer:
    """The submissions consumer on `pool`: each submission a command on the consumer's
    transaction (a unit of work on its connection)."""
    commands = bus(settings, pool)
    verifier = SubmissionVerifier(Keyring(settings.keyring_file), _signing_master(settings))

    def uow_on(connection: Connection) -> EnrollmentUnitOfWork:
        return EnrollmentUnitOfWork(connection=connection)

    return EventConsumer(
        name=settings.consumer_name,
        pool=pool,
        handlers=worker.submission_handlers(commands, uow_on, verifier),
        batch_handlers=worker.submission_batch_handlers(commands, uow_on, verifier),
        publish=publish,
    )
