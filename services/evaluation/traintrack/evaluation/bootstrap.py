"""The one place that builds the evaluation service's parts."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from fastapi import FastAPI

from traintrack.evaluation import store
from traintrack.evaluation.api import credentials, evidence, schemes
from traintrack.evaluation.credentials import Signer, load_or_create_key
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def create_signer(settings: EvaluationSettings) -> Signer:
    return Signer(load_or_create_key(settings.signing_key_file), settings.public_url)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or EvaluationSettings()
    assert isinstance(settings, EvaluationSettings)

    async def ship_default_scheme(pool: asyncpg.Pool) -> None:
        async with pool.acquire() as conn:
            await store.ensure_default_scheme(conn)

    app = create_service_app(
        service="evaluation",
        description="The 4-stage project certification: schemes as versioned data, stage "
        "decisions, and credentials anyone can verify.",
        settings=settings,
        migrations=MIGRATIONS,
        routers=[schemes.router, evidence.router, credentials.router],
        on_startup=ship_default_scheme,
    )
    app.state.signer = create_signer(settings)
    return app
