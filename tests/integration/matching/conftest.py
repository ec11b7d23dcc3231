"""The matching service on a real database, served over real HTTP."""

import httpx
import pytest

from tests.utils.keys import STANDARD, write_keyring
from tests.utils.servers import serve
from traintrack.matching.bootstrap import create_app
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.web.auth import Role


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(path, {**STANDARD, "third_firm": (Role.FIRM, "firm-c")})
    return {name: {"X-API-Key": key} for name, key in issued.items()} | {"file": path}


@pytest.fixture(scope="module")
async def service(platform, keys):
    settings = MatchingSettings(
        database_url=await platform.fresh_database("matching"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        dispatch_interval_seconds=0.1,
        expiry_interval_seconds=3600,  # the tests expire offers themselves
    )
    app = create_app(settings)
    async with serve(app) as url:
        yield app, url


@pytest.fixture(scope="module")
async def client(service, keys):
    _, url = service
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for firm_id in ("firm-a", "firm-b", "firm-c"):
            body = {"firm_id": firm_id, "name": firm_id.upper(), "region_code": "30"}
            made = await client.post("/v1/firms", json=body, headers=keys["operator"])
            assert made.status_code == 201, made.text
        yield client
