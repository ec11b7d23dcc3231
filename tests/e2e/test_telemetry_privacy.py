"""No secret and no personal detail in what the platform leaves behind: the services' logs,
the traces in Zipkin, the events on every topic. A trainee with unmistakable personal
details goes through enrollment, evaluation, matching and outcomes; then everything is
searched for those details and for the API keys used."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.conftest import COHORT
from tests.utils.keys import MASTER, signing_secret_of
from tests.utils.platform import eventually
from tests.utils.processes import ARTIFACTS
from traintrack.contracts.topics import ALL_TOPICS
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.topic_reader import read_to_end

pytestmark = pytest.mark.e2e
SERVICES = ("enrollment", "evaluation", "matching", "outcomes", "operations")


async def all_records(kafka: KafkaConnection) -> bytes:
    names = [n for t in ALL_TOPICS for n in (t.name, t.dlq)]
    chunks: list[bytes] = []
    async for records in read_to_end(kafka, partitions(kafka, names)):
        for r in records:
            chunks += [r.key or b"", r.value or b"", *(v for _, v in r.headers or ())]
    return b"\n".join(chunks)


async def test_no_secret_or_personal_detail_in_logs_traces_or_events(running):
    marker = uuid.uuid4().hex[:10]
    details = {
        "name": f"개인정보{marker}",
        "email": f"person.{marker}@example.org",
        "phone": f"010-{marker[:4].translate(str.maketrans('abcdef', '123456'))}-5678",
    }
    institute = {"X-API-Key": running.institute_key}
    async with httpx.AsyncClient(base_url=running.enrollment_url, headers=institute) as api:
        trainee = (
            await api.post(
                "/v1/trainees",
                json={
                    "birth_year": 1999,
                    "region_code": "30",
                    "status": "job_seeker",
                    "consent_share_with_firms": True,
                    **details,
                },
            )
        ).json()
        enrolled = await api.post(
            "/v1/enrollments",
            json={
                "trainee_id": trainee["trainee_id"],
                "cohort_id": COHORT,
                "applied_on": "2026-02-20",
            },
        )
        assert enrolled.status_code == 201
    async with httpx.AsyncClient(
        base_url=running.outcomes_url, headers={"X-API-Key": running.operator_key}
    ) as outcomes:

        async def arrived():
            return (await outcomes.get(f"/v1/trainees/{trainee['trainee_id']}")).status_code == 200

        await eventually(arrived, timeout=180)

    files = sorted((ARTIFACTS / "e2e-logs").glob("*.log"))
    assert {f"{s}-api.log" for s in SERVICES} <= {f.name for f in files}
    logs = b"\n".join(f.read_bytes() for f in files)
    async with httpx.AsyncClient(base_url=running.platform.zipkin_url, timeout=60) as zipkin:
        traces = b"\n".join(
            [
                (
                    await zipkin.get(
                        "/api/v2/traces",
                        params={
                            "serviceName": service,
                            "limit": 10000,
                            "lookback": 86_400_000,
                        },
                    )
                ).content
                for service in SERVICES
            ]
        )
    events = await all_records(running.platform.kafka)
    # What is searched holds this trainee's journey (by their pseudonymous id).
    assert trainee["trainee_id"].encode() in events and trainee["trainee_id"].encode() in traces

    keys = [running.institute_key, running.operator_key, running.firm_key]
    secrets = list(keys)
    # The institutes' signing secrets (and the master they derive from) only key HMACs.
    secrets += [signing_secret_of(running.institute_key), MASTER.decode()]
    for where, text in (("logs", logs), ("traces", traces), ("events", events)):
        for value in [*details.values(), *secrets]:
            assert value.encode() not in text, f"{value!r} found in {where}"
        for key in keys:  # nor the secret half of an API key on its own: tt_<key id>_<secret>
            secret = key.split("_", 2)[2]  # (base64url: it may hold "_" itself)
            assert secret.encode() not in text, f"a key's secret in {where}"
