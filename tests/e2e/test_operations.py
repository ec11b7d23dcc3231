"""The operator's walkthrough (README, "Operating traintrack"), step by step against the
running platform: a trainee's journey, their trace, a message broken into the DLQ, the
fix, its replay (twice: no double effect), a discard, the audit log and the lag."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from kafka import KafkaProducer
from typer.testing import CliRunner

from tests.e2e.conftest import ENROLLMENT_CONSUMER, INSTITUTE, enroll_over_http
from tests.utils import catalogue
from tests.utils.keys import signing_secret_of
from tests.utils.platform import eventually
from traintrack.contracts.submissions import RecordAttendance
from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS
from traintrack.institute.sdk import InstituteClient
from traintrack.operations.entrypoints.cli import app
from traintrack.platform.web.auth import Role, issue_key

pytestmark = pytest.mark.e2e


def ops(running) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=running.operations_url, headers={"X-API-Key": running.operator_key}, timeout=60
    )


async def dead_letters(running, **params):
    async with ops(running) as api:
        return (await api.get("/v1/dead-letters", params=params)).json()


async def attended_days(running, enrollment) -> int:
    async with httpx.AsyncClient(
        base_url=running.enrollment_url, headers={"X-API-Key": running.institute_key}
    ) as api:
        report = await api.get(f"/v1/enrollments/{enrollment['enrollment_id']}/attendance")
    return int(report.json()["to_date"]["attended"])


async def test_break_a_submission_into_the_dlq_fix_it_and_replay_it_once(running):
    trainee, enrollment = await enroll_over_http(running)
    # A new key the institute uses before anyone put it in the keyring: the worker refuses it.
    new_key, entry = issue_key(Role.INSTITUTE, INSTITUTE)
    day = RecordAttendance(
        trainee_id=trainee["trainee_id"],
        enrollment_id=enrollment["enrollment_id"],
        day=catalogue.STARTS,
        status="present",
        check_in="09:00",
    )
    client = InstituteClient(
        bootstrap=running.platform.kafka_bootstrap, signing_secret=signing_secret_of(new_key)
    )
    try:
        client.send(day).get(timeout=30)
    finally:
        client.close()

    async def dead():
        found = await dead_letters(running, consumer=ENROLLMENT_CONSUMER, status="dead")
        return [d for d in found if d["key"] == trainee["trainee_id"]]

    [letter] = await eventually(dead, timeout=60)
    assert f"unknown, revoked or non-institute key {entry.key_id}" in letter["reason"]
    async with ops(running) as api:
        shown = (await api.get(f"/v1/dead-letters/{letter['ref']}")).json()
    assert shown["headers"]["dlq-consumer"] == ENROLLMENT_CONSUMER
    assert shown["original"].startswith(INSTITUTE_SUBMISSIONS.name)
    assert await attended_days(running, enrollment) == 0

    # The fix: the key goes into the keyring (services re-read it); then the replay.
    entries = json.loads(running.keyring.read_text())
    running.keyring.write_text(json.dumps([*entries, entry.model_dump()]))
    async with ops(running) as api:
        replayed = await api.post(f"/v1/dead-letters/{letter['ref']}/replay")
    assert replayed.json()["status"] == "replayed"

    async def applied():
        return await attended_days(running, enrollment) == 1

    await eventually(applied, timeout=60)
    async with ops(running) as api:  # a second replay changes nothing more
        assert (await api.post(f"/v1/dead-letters/{letter['ref']}/replay")).is_success
        audit = (await api.get("/v1/audit")).json()
    replays = [a for a in audit if a["action"] == "dlq.replay" and a["target"] == letter["ref"]]
    assert len(replays) == 2 and all(a["role"] == "operator" for a in replays)

    # The journey shows the refused submission, its dead letter and the replayed copy.
    async def journey():
        async with ops(running) as api:
            found = (await api.get(f"/v1/journeys/{trainee['trainee_id']}")).json()
        types = [e["event_type"] for e in found["events"]]
        recorded = "traintrack.enrollment.attendance-recorded.v2" in types
        # The outcomes worker may still be reading older history: wait for its view too.
        return found if recorded and found["views"]["outcomes"]["status"] == 200 else None

    found = await eventually(journey, timeout=180)
    assert await attended_days(running, enrollment) == 1
    topics = [e["topic"] for e in found["events"]]
    assert INSTITUTE_SUBMISSIONS.dlq in topics
    # Replayed twice: one copy shown, the second counted as its redelivery.
    replayed = [e for e in found["events"] if e["replayed_from"]]
    assert [(e["replayed_from"], e["redeliveries"]) for e in replayed] == [(letter["ref"], 1)]
    enrolled = next(
        e for e in found["events"] if e["event_type"] == "traintrack.enrollment.trainee-enrolled.v1"
    )
    assert enrolled["trace"].endswith(enrolled["trace_id"])
    async with httpx.AsyncClient(base_url=running.platform.zipkin_url) as zipkin:

        async def traced():
            return (await zipkin.get(f"/api/v2/trace/{enrolled['trace_id']}")).status_code == 200

        await eventually(traced, timeout=60)
    assert found["views"]["enrollment"]["status"] == 200
    assert found["views"]["outcomes"]["status"] == 200


async def test_a_dead_letter_that_cannot_be_fixed_is_discarded_with_a_reason(running):
    producer = KafkaProducer(bootstrap_servers=running.platform.kafka_bootstrap)
    key = f"tr-junk-{uuid.uuid4().hex[:8]}".encode()
    producer.send(INSTITUTE_SUBMISSIONS.name, key=key, value=b"{not json").get(timeout=30)
    producer.close()

    async def dead():
        found = await dead_letters(running, consumer=ENROLLMENT_CONSUMER)
        return [d for d in found if d["key"] == key.decode()]

    [letter] = await eventually(dead, timeout=60)
    async with ops(running) as api:
        discarded = await api.post(
            f"/v1/dead-letters/{letter['ref']}/discard",
            json={"reason": "test junk, nothing to recover"},
        )
        assert discarded.json()["status"] == "discarded"
        again = await api.post(
            f"/v1/dead-letters/{letter['ref']}/discard", json={"reason": "twice"}
        )
        assert again.status_code == 409
        assert (
            await api.post(f"/v1/dead-letters/{letter['ref']}/discard", json={})
        ).status_code == 422
        refused = await api.get("/v1/dead-letters", headers={"X-API-Key": running.institute_key})
        assert refused.status_code == 403


async def test_lag_and_health_name_every_consumer_and_catch_up(running):
    async with ops(running) as api:

        async def caught_up():
            rows = (await api.get("/v1/lag")).json()
            mine = [r for r in rows if r["consumer"] == "enrollment"]
            return rows if mine and sum(r["lag"] for r in mine) == 0 else None

        rows = await eventually(caught_up, timeout=60)
        assert {r["consumer"] for r in rows} == {"enrollment", "evaluation", "matching", "outcomes"}
        health = (await api.get("/v1/health")).json()
        assert set(health["outbox"]) == {"enrollment", "evaluation", "matching", "outcomes"}
        assert all(v["unsent"] is not None for v in health["outbox"].values())
        page = await api.get("/ops")
        assert "Dead letters" in page.text and INSTITUTE_SUBMISSIONS.dlq in page.text
        metrics = (await api.get("/metrics/pipeline")).text
        assert "consumer_lag{" in metrics and "dlq_messages{" in metrics


def test_the_operator_cli_reads_lag_dead_letters_and_outboxes(running):
    env = {"TRAINTRACK_OPS_URL": running.operations_url, "TRAINTRACK_API_KEY": running.operator_key}
    runner = CliRunner()
    lag = runner.invoke(app, ["lag"], env=env)
    assert lag.exit_code == 0 and "outcomes" in lag.output and "enrollment" in lag.output
    dead = runner.invoke(app, ["dlq", "list", "--status", "discarded"], env=env)
    assert dead.exit_code == 0 and "discarded" in dead.output
    outbox = runner.invoke(app, ["outbox"], env=env)
    assert outbox.exit_code == 0 and "matching" in outbox.output
    refused = runner.invoke(app, ["lag"], env=env | {"TRAINTRACK_API_KEY": running.firm_key})
    assert refused.exit_code == 1 and "403" in refused.output
