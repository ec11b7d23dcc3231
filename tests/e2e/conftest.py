from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.utils import catalogue
from tests.utils.keys import master_file, write_master
from tests.utils.platform import Platform
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port
from traintrack.platform.web.auth import Role, issue_key

pytestmark = pytest.mark.e2e

# A consumer group of its own each session: the outcomes store starts empty and reads every
# topic from the beginning, as a replay does (the replay test compares the two).
OUTCOMES_CONSUMER = f"outcomes-e2e-{uuid.uuid4().hex[:8]}"
# Suites run side by side under other topic prefixes keep to consumer groups of their own.
_PREFIX = os.environ.get("TRAINTRACK_TOPIC_PREFIX", "test.")
_SCOPE = "" if _PREFIX in ("", "test.") else "-" + _PREFIX.strip(".")
ENROLLMENT_CONSUMER = f"enrollment-e2e{_SCOPE}"
EVALUATION_CONSUMER = f"evaluation-e2e{_SCOPE}"
MATCHING_CONSUMER = f"matching-e2e{_SCOPE}"
FIRM = "firm-e2e"
INSTITUTE = "inst-e2e"
COHORT = "kdt-e2e-2026-1"


@dataclass(frozen=True)
class RunningPlatform:
    platform: Platform
    enrollment_url: str
    outcomes_url: str
    institute_key: str
    operator_key: str
    outcomes_database: str
    enrollment_database: str
    other_institute_key: str
    evaluation_url: str
    matching_url: str
    firm_key: str
    operations_url: str
    keyring: Path


@pytest.fixture(scope="session")
def running(platform: Platform, tmp_path_factory) -> Iterator[RunningPlatform]:
    """Enrollment API, outcomes API and outcomes worker as processes on the real platform."""
    institute_key, institute = issue_key(Role.INSTITUTE, INSTITUTE)
    operator_key, operator = issue_key(Role.OPERATOR, "platform")
    other_key, other = issue_key(Role.INSTITUTE, "inst-e2e-other")
    firm_key, firm = issue_key(Role.FIRM, FIRM)
    keyring = tmp_path_factory.mktemp("keys") / "keyring.json"
    keyring.write_text(json.dumps([e.model_dump() for e in (institute, operator, other, firm)]))
    write_master(master_file(keyring))
    processes = ServiceProcesses(ARTIFACTS / "e2e-logs")
    try:
        consumers = {
            "enrollment": ENROLLMENT_CONSUMER,
            "evaluation": EVALUATION_CONSUMER,
            "matching": MATCHING_CONSUMER,
            "outcomes": OUTCOMES_CONSUMER,
        }
        common = {"OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"{platform.zipkin_url}/api/v2/spans"}
        started = start_services(
            platform, processes, tmp_path_factory, keyring=keyring, consumers=consumers, env=common
        )
        ports, databases = started.ports, started.databases
        running = RunningPlatform(
            platform,
            f"http://127.0.0.1:{ports['enrollment']}",
            f"http://127.0.0.1:{ports['outcomes']}",
            institute_key,
            operator_key,
            databases["outcomes"],
            databases["enrollment"],
            other_key,
            f"http://127.0.0.1:{ports['evaluation']}",
            f"http://127.0.0.1:{ports['matching']}",
            firm_key,
            f"http://127.0.0.1:{ports['operations']}",
            keyring,
        )
        asyncio.run(_seed(running))
        yield running
    finally:
        processes.stop_all()


SERVICES = ("enrollment", "evaluation", "matching", "outcomes", "operations")


@dataclass(frozen=True)
class Started:
    ports: dict[str, int]  # each service's API
    databases: dict[str, str]  # each service's URL


def start_services(
    platform: Platform,
    processes: ServiceProcesses,
    tmp_path_factory: Any,
    *,
    keyring: Path,
    consumers: Mapping[str, str],
    env: Mapping[str, str],
) -> Started:
    """Every service's API and worker as processes, each service on a fresh database and
    `consumers[service]` its consumer group, once every API is ready. `env` goes to every
    process (the trace endpoint, intervals)."""
    databases = {name: asyncio.run(platform.fresh_database(name)) for name in SERVICES}
    ports = {name: free_port() for name in SERVICES}
    signing = tmp_path_factory.mktemp("signing")  # one key directory: API and worker share it

    def env_of(service: str) -> dict[str, str]:
        prefix = service.upper()
        return {
            **env,
            f"{prefix}_DATABASE_URL": databases[service],
            f"{prefix}_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
            f"{prefix}_HTTP_PORT": str(ports[service]),
            f"{prefix}_KEYRING_FILE": str(keyring),
            "ENROLLMENT_SUBMISSION_SIGNING_MASTER_FILE": str(master_file(keyring)),
            f"{prefix}_STATE_DIR": str(tmp_path_factory.mktemp("state")),
            **{f"{s.upper()}_CONSUMER_NAME": group for s, group in consumers.items()},
            "OPERATIONS_CONSUMER_GROUPS": json.dumps(dict(consumers)),
            "OPERATIONS_SERVICE_URLS": json.dumps(
                {s: f"http://127.0.0.1:{ports[s]}" for s in SERVICES if s != "operations"}
            ),
            "OPERATIONS_ZIPKIN_URL": platform.zipkin_url,
            "EVALUATION_SIGNING_KEYS_DIR": str(signing / "keys"),
            "EVALUATION_SIGNING_KEY_FILE": str(signing / "no-legacy-key.pem"),
        }

    for service in SERVICES:
        processes.start(f"{service}-api", f"traintrack.{service}", "api", env_of(service))
        if service in consumers:  # operations has no worker
            processes.start(f"{service}-worker", f"traintrack.{service}", "worker", env_of(service))
    for service in SERVICES:
        processes.wait_ready(f"{service}-api", f"http://127.0.0.1:{ports[service]}/readyz")
    return Started(ports, databases)


async def _seed(running: RunningPlatform) -> None:
    async with httpx.AsyncClient(base_url=running.enrollment_url) as client:
        await catalogue.seed(
            client,
            operator_key=running.operator_key,
            institute_key=running.institute_key,
            institute_id=INSTITUTE,
            cohort_id=COHORT,
        )
    async with httpx.AsyncClient(base_url=running.matching_url) as client:
        firm = {"firm_id": FIRM, "name": "E2E 파트너", "region_code": "30"}
        made = await client.post(
            "/v1/firms", json=firm, headers={"X-API-Key": running.operator_key}
        )
        assert made.status_code == 201, made.text


async def enroll_over_http(running: RunningPlatform) -> tuple[dict[str, Any], dict[str, Any]]:
    """Register a trainee and enroll them in the e2e cohort: (trainee, enrollment)."""
    from tests.utils import factories

    async with httpx.AsyncClient(
        base_url=running.enrollment_url, headers={"X-API-Key": running.institute_key}
    ) as api:
        trainee = (await api.post("/v1/trainees", json=factories.trainee_body())).json()
        enrollment = await api.post(
            "/v1/enrollments",
            json={
                "trainee_id": trainee["trainee_id"],
                "cohort_id": COHORT,
                "applied_on": "2026-02-20",
            },
        )
    assert enrollment.status_code == 201, enrollment.text
    return trainee, enrollment.json()
