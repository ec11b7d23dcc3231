"""Schemathesis against every service's OpenAPI, as each role and with no key, over real
HTTP, with every check it has: no 5xx, and every answer (status, content type, headers,
body) one the document declares for that operation; invalid input refused, valid input
accepted, protected operations refused without a key, undeclared methods answered 405 with
the right Allow. The outputs stay in test-artifacts/."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
CALLERS = [*ROLES, "anonymous"]
# Examples per operation and caller: as many as the whole test affords in about three
# minutes on two cores (the coverage phase adds its own boundary cases on top).
EXAMPLES = int(os.environ.get("TRAINTRACK_SCHEMATHESIS_EXAMPLES", "20"))
CONFIG = Path(__file__).with_name("schemathesis.toml")
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


def schemathesis(url: str, key: str | None, operations: str) -> subprocess.CompletedProcess[str]:
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run"),
        f"{url}/openapi.json",
        *(("-H", f"X-API-Key: {key}") if key else ()),
        *("--checks", "all"),
        *("--max-examples", str(EXAMPLES)),
        *("--phases", "examples,coverage,fuzzing"),
        *("--request-timeout", "20"),
        *("--include-operation-id-regex", operations),
        *("--exclude-path-regex", EXCLUDED),
        "--generation-deterministic",
        "--no-color",
    ]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
    )


def operations_of(document: dict, caller: str) -> str:
    """The operations `caller` may call, as a regex of their ids. A role's run covers those
    its role is declared for (the others answer it 403 before reading anything, as
    tests/integration/test_authorization.py proves); the run without a key covers all."""
    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
        if caller == "anonymous" or caller in operation.get("x-roles", ())
    ]
    return f"^({'|'.join(map(re.escape, ids))})$"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_answer_is_one_the_document_declares(apis, service):
    urls, keys = apis
    document = httpx.get(f"{urls[service]}/openapi.json").json()

    def run(caller: str) -> subprocess.CompletedProcess[str]:
        return schemathesis(urls[service], keys.get(caller), operations_of(document, caller))

    # The callers side by side: much of the time goes in waiting for answers.
    with ThreadPoolExecutor(len(CALLERS)) as pool:
        runs = dict(zip(CALLERS, pool.map(run, CALLERS), strict=True))
    ARTIFACTS.mkdir(exist_ok=True)
    for caller, done in runs.items():
        (ARTIFACTS / f"schemathesis-{service}-{caller}.txt").write_text(done.stdout + done.stderr)
    for caller, done in runs.items():
        assert done.returncode == 0, f"{service} as {caller}:\n{done.stdout[-6000:]}"
        assert "passed" in done.stdout, done.stdout[-2000:]
