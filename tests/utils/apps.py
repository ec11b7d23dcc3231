"""A service's app on a fresh database of the test platform with its lifespan running, and
an in-process HTTP client to it: what most integration modules start from."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from tests.utils.platform import Platform


@asynccontextmanager
async def running_app(
    create_app: Callable[[Any], FastAPI],
    settings_class: type,
    platform: Platform,
    keyring: Path,
    database: str,
    **settings: Any,
) -> AsyncIterator[FastAPI]:
    app = create_app(
        settings_class(
            database_url=await platform.fresh_database(database),
            kafka_bootstrap=platform.kafka_bootstrap,
            keyring_file=keyring,
            **settings,
        )
    )
    async with app.router.lifespan_context(app):
        yield app


def client_of(app: FastAPI, host: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{host}")
