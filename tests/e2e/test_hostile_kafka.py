"""Hostile submissions straight onto institute.submissions.v1 — malformed, oversized,
wrongly typed, unknown types, another tenant's key, injection-laden values — interleaved
with good ones on the same partition: every hostile one is dead-lettered with its reason,
every good one is applied, in order, and the worker carries on."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
import pytest
from kafka import KafkaProducer

from tests.e2e.conftest import enroll_over_http
from tests.utils import catalogue
from tests.utils.keys import signing_secret_of
from tests.utils.platform import KafkaTail, eventually, header
from traintrack.contracts import signing
from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS

pytestmark = pytest.mark.e2e
ATTENDANCE = "traintrack.institute.record-attendance.v1"


def signed(api_key: str, trainee: str, value: bytes, event_type: str | None = ATTENDANCE):
    """A record signed like the institute SDK signs, whatever its value holds."""
    secret = signing_secret_of(api_key)
    event_id = str(uuid.uuid4())
    headers = [
        ("ce_id", event_id.encode()),
        ("ce_source", b"/hostile"),
        ("ce_specversion", b"1.0"),
        ("content-type", b"application/json"),
    ]
    if event_type:
        headers.append(("ce_type", event_type.encode()))
        signature = signing.sign(secret, event_id, event_type, value)
        headers += [
            (f"ce_{signing.KEY_ID}", signing.key_id_of(secret).encode()),
            (f"ce_{signing.SIGNATURE}", signature.encode()),
        ]
    return trainee.encode(), value, headers


def attendance(trainee: str, enrollment: str, on, **overrides) -> bytes:
    body = {
        "trainee_id": trainee,
        "enrollment_id": enrollment,
        "day": on.isoformat(),
        "status": "present",
        "check_in": "09:00",
    } | overrides
    return json.dumps(body).encode()


async def test_hostile_submissions_are_dead_lettered_and_good_ones_applied_in_between(running):
    trainee, enrollment = await enroll_over_http(running)
    t, e = trainee["trainee_id"], enrollment["enrollment_id"]
    key, other = running.institute_key, running.other_institute_key
    days = [d for d in (catalogue.STARTS + timedelta(n) for n in range(14)) if d.weekday() < 5]
    hostile = {
        "not json": signed(key, t, b'{"trainee_id": '),
        "a json array": signed(key, t, b"[1, 2, 3]"),
        "wrong types": signed(key, t, attendance(t, e, days[0], status=42, day=[])),
        "missing fields": signed(key, t, json.dumps({"trainee_id": t}).encode()),
        "sql injection": signed(key, t, attendance(t, "en-1'; DROP TABLE attendance; --", days[0])),
        "nul character": signed(key, t, attendance(t, e, days[0], check_in="09:00\u0000")),
        "oversized": signed(key, t, attendance(t, e, days[0], note="x" * 600_000)),
        "absurd day": signed(key, t, attendance(t, e, days[0], day="9999-12-31")),
        "unknown type": signed(key, t, attendance(t, e, days[0]), "traintrack.institute.launch.v1"),
        "no type, unsigned": signed(key, t, attendance(t, e, days[0]), None),
        "another tenant's key": signed(other, t, attendance(t, e, days[0])),
    }
    good = [signed(key, t, attendance(t, e, day)) for day in days[:4]]
    # Good ones before, between and after the hostile ones, all on the trainee's partition.
    sequence = [
        good[0],
        *list(hostile.values())[:6],
        good[1],
        *list(hostile.values())[6:],
        good[2],
        good[3],
    ]

    dlq = await KafkaTail(running.platform.kafka_bootstrap, INSTITUTE_SUBMISSIONS.dlq).start()
    try:
        producer = KafkaProducer(
            bootstrap_servers=running.platform.kafka_bootstrap,
            acks="all",
            max_request_size=2_000_000,
        )
        for record_key, value, headers in sequence:
            producer.send(INSTITUTE_SUBMISSIONS.name, key=record_key, value=value, headers=headers)
        producer.flush(30)
        producer.close()
        dead = await dlq.collect(lambda r: r.key == t.encode(), len(hostile), timeout=90)
    finally:
        await dlq.stop()

    ids = {name: dict(h)["ce_id"] for name, (_, _, h) in hostile.items()}
    by_id = {header(d, "ce_id"): d for d in dead}
    assert set(by_id) == set(ids.values())  # each hostile one, once
    for name, event_id in ids.items():
        reason = header(by_id[event_id], "dlq-reason").decode()
        assert reason.strip(), name
    reasons = {name: header(by_id[i], "dlq-reason").decode() for name, i in ids.items()}
    # Signed with a real key of another institute: authenticated, then refused by tenant.
    assert "not found" in reasons["another tenant's key"]
    assert "Missing required attribute: 'type'" in reasons["no type, unsigned"]

    async with httpx.AsyncClient(
        base_url=running.enrollment_url, headers={"X-API-Key": key}
    ) as api:

        async def all_good_applied():
            report = (await api.get(f"/v1/enrollments/{e}/attendance")).json()
            return report["to_date"]["attended"] == 4

        await eventually(all_good_applied, timeout=60)
        # Nothing else was recorded: the four good days, and the tables are intact.
        report = (await api.get(f"/v1/enrollments/{e}/attendance")).json()
        assert report["to_date"]["attended"] == 4
