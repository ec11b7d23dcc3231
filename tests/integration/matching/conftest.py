"""The matching service on a real database, served over real HTTP."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.utils.keys import STANDARD, write_keyring
from tests.utils.servers import serve
from traintrack.devstack.processes import free_port
from traintrack.matching.bootstrap import create_app
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.web.auth import Role


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(path, {**STANDARD, "third_firm": (Role.FIRM, "firm-c")})
    return {name: {"X-API-Key": key} for name, key in issued.items()} | {"file": path}


@pytest.fixture(scope="module")
def receiver_port():
    """The one loopback port a test's webhook receiver may listen on: the service's
    allow-list names it (every other inward address is refused)."""
    return free_port()


class ShiftedClock:
    """The service's clock, which a test may move (rather than wait out a grace period)."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture(scope="module")
def clock():
    return ShiftedClock()


@pytest.fixture(scope="module")
async def service(platform, keys, receiver_port, clock):
    settings = MatchingSettings(
        database_url=await platform.fresh_database("matching"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        dispatch_interval_seconds=0.1,
        expiry_interval_seconds=3600,  # the tests expire offers themselves
        webhook_allowed_hosts=f"127.0.0.1:{receiver_port}",
    )
    app = create_app(settings, clock=clock)
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
