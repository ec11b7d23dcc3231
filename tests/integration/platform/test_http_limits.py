"""Oversized request bodies are refused with 413 before they are read whole, declared or
streamed; bodies under the limit pass."""

import httpx
import pytest

from tests.utils.keys import STANDARD, write_keyring
from traintrack.matching.bootstrap import create_app
from traintrack.matching.settings import MatchingSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def client(platform, tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    keys = write_keyring(path, STANDARD)
    settings = MatchingSettings(
        database_url=await platform.fresh_database("limits"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=path,
        max_request_bytes=2000,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as c,
    ):
        c.headers["X-API-Key"] = keys["operator"]
        yield c


async def test_a_body_over_the_limit_is_refused_with_413_naming_the_body(client):
    big = {"firm_id": "firm-big", "name": "x" * 5000, "region_code": "30"}
    refused = await client.post("/v1/firms", json=big)
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "body"


async def test_a_streamed_body_over_the_limit_is_refused_too(client):
    async def chunks():
        for _ in range(10):
            yield b"x" * 500

    refused = await client.post(
        "/v1/firms", content=chunks(), headers={"content-type": "application/json"}
    )
    assert refused.status_code == 413


async def test_a_body_under_the_limit_passes(client):
    small = {"firm_id": "firm-small", "name": "Small", "region_code": "30"}
    assert (await client.post("/v1/firms", json=small)).status_code == 201
