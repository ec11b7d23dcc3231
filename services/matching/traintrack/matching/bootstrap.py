"""The one place that builds the matching service's parts."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from traintrack.matching import offers, webhooks
from traintrack.matching.api import disclosures, feed, firms, rounds
from traintrack.matching.api import offers as offers_api
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or MatchingSettings()
    assert isinstance(settings, MatchingSettings)

    async def deliver_webhooks(pool: asyncpg.Pool) -> None:
        await webhooks.run_dispatcher(pool, settings)

    async def expire_offers(pool: asyncpg.Pool) -> None:
        while True:
            try:
                async with pool.acquire() as conn, conn.transaction():
                    await offers.expire_due(conn)
            except Exception:  # a background loop: it must outlive any one failure
                log.exception("expiring offers failed; trying again")
            await asyncio.sleep(settings.expiry_interval_seconds)

    return create_service_app(
        service="matching",
        description="What partner firms use: openings, subscriptions delivering certified "
        "candidates (feed, webhooks, live stream), stable-matching rounds, offers and "
        "internships. Firms see pseudonymous profiles only, and only with consent.",
        settings=settings,
        migrations=MIGRATIONS,
        routers=[firms.router, feed.router, rounds.router, offers_api.router, disclosures.router],
        background=[deliver_webhooks, expire_offers],
    )
