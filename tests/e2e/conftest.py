from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.utils.platform import Platform
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port
from traintrack_shared.auth import Role, issue_key

pytestmark = pytest.mark.e2e

OUTCOMES_CONSUMER = "outcomes-e2e"


@dataclass(frozen=True)
class RunningPlatform:
    platform: Platform
    enrollment_url: str
    outcomes_url: str
    institute_key: str
    operator_key: str
    outcomes_database: str


@pytest.fixture(scope="session")
def running(platform: Platform, tmp_path_factory) -> Iterator[RunningPlatform]:
    """Enrollment API, outcomes API and outcomes worker as processes on the real platform."""
    institute_key, institute = issue_key(Role.INSTITUTE, "inst-e2e")
    operator_key, operator = issue_key(Role.OPERATOR, "platform")
    keyring = tmp_path_factory.mktemp("keys") / "keyring.json"
    keyring.write_text(json.dumps([institute.model_dump(), operator.model_dump()]))
    databases = {
        name: asyncio.run(platform.fresh_database(name)) for name in ("enrollment", "outcomes")
    }
    ports = {name: free_port() for name in databases}
    common = {"OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"{platform.zipkin_url}/api/v2/spans"}

    def env(service: str) -> dict[str, str]:
        prefix = service.upper()
        return {
            **common,
            f"{prefix}_DATABASE_URL": databases[service],
            f"{prefix}_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
            f"{prefix}_HTTP_PORT": str(ports[service]),
            f"{prefix}_KEYRING_FILE": str(keyring),
            f"{prefix}_STATE_DIR": str(tmp_path_factory.mktemp("state")),
            "OUTCOMES_CONSUMER_NAME": OUTCOMES_CONSUMER,
        }

    processes = ServiceProcesses(ARTIFACTS / "e2e-logs")
    try:
        processes.start("enrollment-api", "enrollment.main", "api", env("enrollment"))
        processes.start("outcomes-api", "outcomes.main", "api", env("outcomes"))
        processes.start("outcomes-worker", "outcomes.main", "worker", env("outcomes"))
        for name, service in (("enrollment-api", "enrollment"), ("outcomes-api", "outcomes")):
            processes.wait_ready(name, f"http://127.0.0.1:{ports[service]}/readyz")
        yield RunningPlatform(
            platform,
            f"http://127.0.0.1:{ports['enrollment']}",
            f"http://127.0.0.1:{ports['outcomes']}",
            institute_key,
            operator_key,
            databases["outcomes"],
        )
    finally:
        processes.stop_all()
