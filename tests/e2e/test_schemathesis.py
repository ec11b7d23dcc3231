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
from dataclasses import dataclass
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
# Examples per operation and caller in the fuzzing phase: as many as the whole test affords
# in about three minutes on two cores (the coverage phase adds its own boundary cases, most
# of the requests). TRAINTRACK_SCHEMATHESIS_EXAMPLES asks for more.
EXAMPLES = int(os.environ.get("TRAINTRACK_SCHEMATHESIS_EXAMPLES", "12"))
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


def schemathesis(url: str, key: str | None, run: Run) -> subprocess.CompletedProcess[str]:
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run"),
        f"{url}/openapi.json",
        *(("-H", f"X-API-Key: {key}") if key else ()),
        *("--checks", "all"),
        *("--max-examples", str(run.examples)),
        *("--phases", run.phases),
        *("--request-timeout", "20"),
        # Ids and names are held to strict patterns (shared/contracts fields.py): hypothesis
        # filters out many of the strings it draws for them, which is no finding.
        *("--suppress-health-check", "filter_too_much"),
        *("--include-operation-id-regex", run.operations),
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


@dataclass(frozen=True)
class Run:
    caller: str
    operations: str  # a regex of operation ids
    phases: str = "examples,coverage,fuzzing"
    examples: int = EXAMPLES


def runs(document: dict) -> dict[str, Run]:
    """Each role over the operations it is declared for (the others answer it 403 before
    reading anything, as tests/integration/test_authorization.py proves); without a key,
    the public operations fully and the protected ones a few times each (all 401). A role
    no operation is declared for (a firm at enrollment) has no run."""
    operations = [op for path in document["paths"].values() for op in path.values()]

    def ids(chosen: list[dict]) -> str:
        return f"^({'|'.join(re.escape(op['operationId']) for op in chosen)})$"

    found = {
        role: Run(role, ids([o for o in operations if role in o.get("x-roles", ())]))
        for role in ROLES
    }
    found["anonymous"] = Run("anonymous", ids([o for o in operations if o["security"] == []]))
    protected = [o for o in operations if o["security"] != []]
    found["anonymous-protected"] = Run("anonymous", ids(protected), "examples,fuzzing", 3)
    return {name: run for name, run in found.items() if run.operations != "^()$"}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_answer_is_one_the_document_declares(apis, service):
    urls, keys = apis
    planned = runs(httpx.get(f"{urls[service]}/openapi.json").json())

    def go(run: Run) -> subprocess.CompletedProcess[str]:
        return schemathesis(urls[service], keys.get(run.caller), run)

    # Side by side: much of the time goes in waiting for answers.
    with ThreadPoolExecutor(len(planned)) as pool:
        done = dict(zip(planned, pool.map(go, planned.values()), strict=True))
    ARTIFACTS.mkdir(exist_ok=True)
    for name, result in done.items():
        (ARTIFACTS / f"schemathesis-{service}-{name}.txt").write_text(result.stdout + result.stderr)
    for name, result in done.items():
        assert result.returncode == 0, f"{service} as {name}:\n{result.stdout[-6000:]}"
        assert "passed" in result.stdout, result.stdout[-2000:]
