"""Institutes' second way in: signed submissions straight onto institute.submissions.v1,
through the same validation and handlers as the HTTP API."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import httpx
import pytest
from kafka import KafkaProducer

from tests.e2e.conftest import ENROLLMENT_CONSUMER, enroll_over_http
from tests.utils import catalogue
from tests.utils.keys import signing_secret_of
from tests.utils.platform import KafkaTail, eventually, header
from traintrack.contracts import codec
from traintrack.contracts.submissions import RecordAttendance
from traintrack.contracts.topics import (
    ENROLLMENT_ATTENDANCE,
    ENROLLMENT_EVENTS,
    INSTITUTE_SUBMISSIONS,
)
from traintrack.institute.sdk import InstituteClient

pytestmark = pytest.mark.e2e
MARCH = [
    d
    for d in (catalogue.STARTS + timedelta(n) for n in range(30))
    if d.month == 3 and d.weekday() < 5
]


@pytest.fixture
async def enrollment(running):
    _, enrollment = await enroll_over_http(running)
    return enrollment


def day_of(enrollment, day: date, status="present") -> RecordAttendance:
    return RecordAttendance(
        trainee_id=enrollment["trainee_id"],
        enrollment_id=enrollment["enrollment_id"],
        day=day,
        status=status,
        check_in="09:00" if status == "present" else None,
    )


def send(running, key: str, *submissions) -> None:
    client = InstituteClient(
        bootstrap=running.platform.kafka_bootstrap, signing_secret=signing_secret_of(key)
    )
    try:
        for submission in submissions:
            client.send(submission).get(timeout=30)
    finally:
        client.close()


async def report(running, enrollment):
    async with httpx.AsyncClient(
        base_url=running.enrollment_url, headers={"X-API-Key": running.institute_key}
    ) as api:
        response = await api.get(f"/v1/enrollments/{enrollment['enrollment_id']}/attendance")
    return response.json()


async def recorded_days(running, enrollment, count):
    async def probe():
        march = next(
            m for m in (await report(running, enrollment))["months"] if m["period"] == "2026-03"
        )
        recorded = march["training_days"] - march["unrecorded"]
        return march if recorded >= count else None

    return await eventually(probe, timeout=60)


async def test_a_signed_submission_is_applied_like_an_http_call(running, enrollment):
    tail = await KafkaTail(running.platform.kafka_bootstrap, ENROLLMENT_ATTENDANCE.name).start()
    try:
        async with httpx.AsyncClient(
            base_url=running.enrollment_url, headers={"X-API-Key": running.institute_key}
        ) as api:
            over_http = await api.post(
                "/v1/attendance", json=day_of(enrollment, MARCH[0]).model_dump(mode="json")
            )
            assert over_http.status_code == 201
        await asyncio.to_thread(send, running, running.institute_key, day_of(enrollment, MARCH[1]))
        events = await tail.collect(
            lambda r: (
                r.key == enrollment["trainee_id"].encode()
                and header(r, "ce_type") == b"traintrack.enrollment.attendance-recorded.v2"
            ),
            2,
        )
    finally:
        await tail.stop()
    by_http, by_kafka = (json.loads(e.value) for e in events)
    assert by_http.keys() == by_kafka.keys()
    assert {by_http["day"], by_kafka["day"]} == {MARCH[0].isoformat(), MARCH[1].isoformat()}
    assert {header(e, "ce_source") for e in events} == {b"/traintrack/enrollment"}


async def test_five_absences_sent_over_kafka_raise_the_at_risk_event(running, enrollment):
    tail = await KafkaTail(running.platform.kafka_bootstrap, ENROLLMENT_EVENTS.name).start()
    try:
        await asyncio.to_thread(
            send,
            running,
            running.institute_key,
            *(day_of(enrollment, d, "absent") for d in MARCH[:5]),
        )
        # 16 of March's 21 training days at best: the month can no longer reach 80 % (the
        # course, 24 of 29, is only warned).
        alert = await tail.wait_for(
            lambda r: (
                r.key == enrollment["trainee_id"].encode()
                and header(r, "ce_type") == b"traintrack.enrollment.attendance-at-risk.v1"
                and json.loads(r.value)["level"] == "unreachable"
            ),
            60,
        )
    finally:
        await tail.stop()
    data = json.loads(alert.value)
    assert (data["scope"], data["period"]) == ("month", "2026-03")


def _raw(running, record: codec.KafkaRecord) -> None:
    producer = KafkaProducer(bootstrap_servers=running.platform.kafka_bootstrap, acks="all")
    try:
        producer.send(
            INSTITUTE_SUBMISSIONS.name,
            value=record.value,
            key=record.key,
            headers=list(record.headers),
        ).get(timeout=30)
    finally:
        producer.close()


async def test_unsigned_foreign_and_invalid_submissions_are_dead_lettered_and_the_next_applied(
    running, enrollment
):
    dlq = await KafkaTail(running.platform.kafka_bootstrap, INSTITUTE_SUBMISSIONS.dlq).start()
    try:
        unsigned = codec.encode(codec.to_cloudevent(day_of(enrollment, MARCH[2]), source="/x"))
        await asyncio.to_thread(_raw, running, unsigned)
        # Signed by another institute: its tenant may not touch this enrollment.
        await asyncio.to_thread(
            send, running, running.other_institute_key, day_of(enrollment, MARCH[3])
        )
        weekend = day_of(enrollment, MARCH[0]).model_copy(update={"day": date(2026, 3, 7)})
        await asyncio.to_thread(send, running, running.institute_key, weekend)
        await asyncio.to_thread(send, running, running.institute_key, day_of(enrollment, MARCH[4]))
        await recorded_days(running, enrollment, 1)
        dead = await dlq.collect(
            lambda r: r.key == enrollment["trainee_id"].encode(), 3, timeout=60
        )
    finally:
        await dlq.stop()
    reasons = [header(d, "dlq-reason").decode() for d in dead]
    assert "unsigned submission" in reasons[0]
    assert "not found" in reasons[1]
    assert "not a training day" in reasons[2]
    assert {header(d, "dlq-consumer") for d in dead} == {ENROLLMENT_CONSUMER.encode()}
    march = await recorded_days(running, enrollment, 1)
    assert march["training_days"] - march["unrecorded"] == 1  # only the good one
