"""Schemathesis against every service's OpenAPI, as each role, over real HTTP: whatever it
generates (wrong types, huge values, odd unicode, missing fields), no 5xx. Bounded to a
few examples per operation so it fits in `make test`; the outputs stay in test-artifacts/."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.utils.keys import write_keyring
from tests.utils.platform import Platform
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port
from traintrack.platform.web.auth import Role

pytestmark = pytest.mark.e2e
SERVICES = {
    "enrollment": "traintrack.enrollment",
    "evaluation": "traintrack.evaluation",
    "matching": "traintrack.matching",
    "outcomes": "traintrack.outcomes",
    "operations": "traintrack.operations",
}
ROLES = {
    "operator": (Role.OPERATOR, "platform"),
    "institute": (Role.INSTITUTE, "inst-st"),
    "firm": (Role.FIRM, "firm-st"),
}
# The live stream never ends; replaying every dead letter would disturb the other tests.
EXCLUDED = r"(/feed/stream|/dead-letters/replay)$"


@pytest.fixture(scope="module")
def apis(platform: Platform, tmp_path_factory) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    keyring = tmp_path_factory.mktemp("keys") / "keyring.json"
    keys = write_keyring(keyring, ROLES)
    urls: dict[str, str] = {}
    processes = ServiceProcesses(ARTIFACTS / "schemathesis-logs")
    try:
        for service, module in SERVICES.items():
            port, prefix = free_port(), service.upper()
            env = {
                f"{prefix}_DATABASE_URL": asyncio.run(platform.fresh_database(f"st_{service}")),
                f"{prefix}_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
                f"{prefix}_HTTP_PORT": str(port),
                f"{prefix}_KEYRING_FILE": str(keyring),
                f"{prefix}_STATE_DIR": str(tmp_path_factory.mktemp("state")),
            }
            processes.start(service, module, "api", env)
            urls[service] = f"http://127.0.0.1:{port}"
        for service, url in urls.items():
            processes.wait_ready(service, f"{url}/readyz")
        # Tenants that exist, so writes get past "who are you" into the interesting code.
        operator = {"X-API-Key": keys["operator"]}
        httpx.post(
            f"{urls['enrollment']}/v1/institutes",
            headers=operator,
            json={"institute_id": "inst-st", "name": "ST", "region_code": "30"},
        )
        httpx.post(
            f"{urls['matching']}/v1/firms",
            headers=operator,
            json={"firm_id": "firm-st", "name": "ST", "region_code": "30"},
        )
        yield urls, keys
    finally:
        processes.stop_all()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_no_input_makes_a_service_answer_5xx(apis, service):
    urls, keys = apis
    for role, key in keys.items():
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{urls[service]}/openapi.json",
                "-H",
                f"X-API-Key: {key}",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "8",
                "--phases",
                "examples,coverage,fuzzing",
                "--request-timeout",
                "20",
                "--exclude-path-regex",
                EXCLUDED,
                "--generation-deterministic",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "NO_COLOR": "1"},
        )
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"schemathesis-{service}-{role}.txt").write_text(done.stdout + done.stderr)
        assert done.returncode == 0, f"{service} as {role}:\n{done.stdout[-4000:]}"
        assert "passed" in done.stdout, done.stdout[-2000:]
