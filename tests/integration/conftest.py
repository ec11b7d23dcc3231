from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.utils.keys import STANDARD, write_keyring
from tests.utils.platform import Platform
from traintrack.platform.db.pool import create_pool
from traintrack.platform.telemetry import QuietPolls

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Spans of this test process as a service would export them (idle polls dropped),
    kept in memory to assert on."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(QuietPolls(SimpleSpanProcessor(exporter)))
    trace.set_tracer_provider(provider)
    return exporter


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A keyring of the standard principals: request headers by name, and its `file`
    (modules needing other principals or the bare keys define their own)."""
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(path, STANDARD)
    return {name: {"X-API-Key": key} for name, key in issued.items()} | {"file": path}


@pytest.fixture(scope="module")
async def shared_pool(platform: Platform) -> AsyncIterator[asyncpg.Pool]:
    """A fresh database with the shared tables (outbox, inbox) only."""
    pool = await create_pool(await platform.fresh_database("shared"), migrations=None)
    yield pool
    await pool.close()
