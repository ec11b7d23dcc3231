"""The one place that builds the matching service's parts: the unit of work on a pool or
a worker's connection, the bus, the views, the API app and the worker."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from traintrack.matching.adapters.outbound import OutboundGuard, Resolver, system_resolver
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.adapters.webhook_sender import Clock
from traintrack.matching.entrypoints import background
from traintrack.matching.entrypoints.api import (
    candidates,
    disclosures,
    feed,
    firms,
    offers,
    rounds,
    webhooks,
)
from traintrack.matching.entrypoints.worker import consumer_handlers, follow
from traintrack.matching.handlers import HANDLERS
from traintrack.matching.settings import MatchingSettings, entries
from traintrack.matching.views import MatchingViews
from traintrack.platform.bus import MessageBus
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer, Handler
from traintrack.platform.messaging.streams import StreamApp, publisher
from traintrack.platform.polling import Polls
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def bus_of(pool: asyncpg.Pool) -> MessageBus[MatchingUnitOfWork]:
    return MessageBus(HANDLERS, lambda: MatchingUnitOfWork(pool))


def event_handlers(pool: asyncpg.Pool) -> dict[str, Handler]:
    """The consumer's handlers: each event's command, in a unit of work on its connection."""
    return consumer_handlers(bus_of(pool), lambda conn: MatchingUnitOfWork(connection=conn))


def outbound_guard(settings: MatchingSettings, resolver: Resolver) -> OutboundGuard:
    """What a webhook may point at: outward only; plain http and the allow-list only in
    development."""
    return OutboundGuard(
        require_https=settings.environment != "development",
        allowed=entries(settings.webhook_allowed_hosts),
        platform=entries(settings.platform_urls),
        resolver=resolver,
        timeout_seconds=settings.webhook_resolve_timeout_seconds,
    )


def create_app(
    settings: ServiceSettings | None = None,
    *,
    resolver: Resolver = system_resolver,
    clock: Clock = lambda: datetime.now(UTC),
) -> FastAPI:
    """The API; tests may give webhook destinations a resolver and a clock of their own."""
    settings = settings or MatchingSettings()
    assert isinstance(settings, MatchingSettings)
    guard = outbound_guard(settings, resolver)

    async def deliver_webhooks(pool: asyncpg.Pool, polls: Polls) -> None:
        await background.run_dispatcher(bus_of(pool), settings, guard, clock, polls)

    async def expire_offers(pool: asyncpg.Pool, polls: Polls) -> None:
        await background.run_expiry(bus_of(pool), settings, polls)

    async def solve_queued_rounds(pool: asyncpg.Pool, polls: Polls) -> None:
        await background.run_round_solver(bus_of(pool), settings, polls)

    app = create_service_app(
        service="matching",
        description="What partner firms use: openings, subscriptions delivering certified "
        "candidates (feed, webhooks, live stream), stable-matching rounds, offers and "
        "internships. Firms see pseudonymous profiles only, and only with consent.",
        settings=settings,
        migrations=MIGRATIONS,
        routers=[
            firms.router,
            feed.router,
            webhooks.router,
            candidates.router,
            rounds.router,
            offers.router,
            disclosures.router,
        ],
        background=[deliver_webhooks, expire_offers, solve_queued_rounds],
    )
    # The pool exists once the app has started: both reach it through app.state.
    app.state.bus = MessageBus(HANDLERS, lambda: MatchingUnitOfWork(app.state.pool))
    app.state.views = MatchingViews(lambda: app.state.pool)
    app.state.outbound, app.state.clock = guard, clock
    return app


def create_worker(settings: ServiceSettings) -> StreamApp:
    assert isinstance(settings, MatchingSettings)

    async def build_consumer(app: StreamApp) -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        return EventConsumer(
            name=settings.consumer_name,
            pool=pool,
            handlers=event_handlers(pool),
            publish=publisher(app),
        )

    return follow(settings, build_consumer)
