"""Hostile submissions straight onto institute.submissions.v1 — malformed, oversized,
wrongly typed, unknown types, another tenant's key, injection-laden values, every way of
breaking the CloudEvents Kafka binding, another service's event type, a value at the size
limit — interleaved with good ones on the same partition: every hostile one is
dead-lettered with its reason, every good one is applied, in order, and every worker
carries on. Malformed records on a topic the workers read but do not own are dead-lettered
by each of them. A librdkafka producer's partitioner does not hide submissions from the
journey, nor does a redelivery show twice."""

from __future__ import annotations

import json
import uuid
from datetime import time, timedelta

import httpx
import pytest
from confluent_kafka import Producer
from kafka import KafkaProducer
from kafka.errors import MessageSizeTooLargeError

from tests.e2e.conftest import (
    EVALUATION_CONSUMER,
    MATCHING_CONSUMER,
    OUTCOMES_CONSUMER,
    enroll_over_http,
)
from tests.utils import catalogue, factories
from tests.utils.keys import signing_secret_of
from tests.utils.platform import KafkaTail, eventually, header
from traintrack.contracts import codec, signing
from traintrack.contracts.submissions import RecordAttendance
from traintrack.contracts.topics import ENROLLMENT_EVENTS, INSTITUTE_SUBMISSIONS, MAX_MESSAGE_BYTES
from traintrack.institute.sdk import signed_record
from traintrack.platform.messaging import partitioners

pytestmark = pytest.mark.e2e
ATTENDANCE = "traintrack.institute.record-attendance.v1"
SURVEY = "traintrack.institute.submit-survey.v1"
STAGE_PASSED = "traintrack.evaluation.stage-passed.v2"


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


def without(record, name):
    key, value, headers = record
    return key, value, [(k, v) for k, v in headers if k != name]


def replaced(record, name, new):
    key, value, headers = without(record, name)
    return key, value, [*headers, (name, new)]


def plus(record, *extra, first=False):
    key, value, headers = record
    return key, value, [*extra, *headers] if first else [*headers, *extra]


def rekeyed(record, key):
    return key, record[1], record[2]


def sized(size, make):
    """make(n) with the n that makes its record take exactly `size` bytes, as producers
    count them (`codec.record_size`)."""

    def size_of(n):
        key, value, headers = make(n)
        return codec.record_size(key, value, headers)

    n = size - size_of(0)
    while size_of(n) > size:
        n -= 1
    assert size_of(n) == size
    return make(n)


def hostile_submissions(key, other, t, e, days):
    """Every class of hostile submission, by name: (record key, value, headers)."""
    good_day = attendance(t, e, days[0])
    return {
        "not json": signed(key, t, b'{"trainee_id": '),
        "a json array": signed(key, t, b"[1, 2, 3]"),
        "wrong types": signed(key, t, attendance(t, e, days[0], status=42, day=[])),
        "missing fields": signed(key, t, json.dumps({"trainee_id": t}).encode()),
        "sql injection": signed(key, t, attendance(t, "en-1'; DROP TABLE attendance; --", days[0])),
        "nul character": signed(key, t, attendance(t, e, days[0], check_in="09:00\u0000")),
        "oversized": signed(key, t, attendance(t, e, days[0], note="x" * 600_000)),
        "absurd day": signed(key, t, attendance(t, e, days[0], day="9999-12-31")),
        "unknown type": signed(key, t, good_day, "traintrack.institute.launch.v1"),
        "no type, unsigned": signed(key, t, good_day, None),
        "another tenant's key": signed(other, t, good_day),
        # The CloudEvents Kafka binding, broken every way.
        "no specversion": without(signed(key, t, good_day), "ce_specversion"),
        "specversion 0.3": replaced(signed(key, t, good_day), "ce_specversion", b"0.3"),
        "no id": without(signed(key, t, good_day), "ce_id"),
        "no source": without(signed(key, t, good_day), "ce_source"),
        "no key": rekeyed(signed(key, t, good_day), None),
        "key is not the partitionkey": plus(
            rekeyed(signed(key, t, good_day), b"tr-someone-else"), ("ce_partitionkey", t.encode())
        ),
        "key is not the data's trainee": rekeyed(signed(key, t, good_day), b"tr-someone-else"),
        "two ce_id": plus(signed(key, t, good_day), ("ce_id", str(uuid.uuid4()).encode())),
        "a NUL in ce_id": replaced(signed(key, t, good_day), "ce_id", b"evt-\x00-1"),
        "a C1 control in ce_source": replaced(
            signed(key, t, good_day), "ce_source", "/institutes/\u0085".encode()
        ),
        "two ce_ttsignature, the wrong one first": plus(
            signed(key, t, good_day), ("ce_ttsignature", b"0" * 64), first=True
        ),
        "two ce_type, a foreign one first": plus(
            signed(key, t, good_day), ("ce_type", STAGE_PASSED.encode()), first=True
        ),
        "two ce_type, another submission last": plus(
            signed(key, t, good_day), ("ce_type", SURVEY.encode())
        ),
        "ce_type again in capitals": plus(
            signed(key, t, good_day), ("CE_TYPE", ATTENDANCE.encode())
        ),
        "two content-type": plus(signed(key, t, good_day), ("content-type", b"application/json")),
        "two traceparent": plus(
            signed(key, t, good_day),
            ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        ),
        "a custom header twice": plus(signed(key, t, good_day), ("x-a", b"1"), ("x-a", b"2")),
        "another service's event type, signed": signed(
            key, t, json.dumps({"trainee_id": t}).encode(), STAGE_PASSED
        ),
        "plain text": replaced(signed(key, t, good_day), "content-type", b"text/plain"),
        "no content type": without(signed(key, t, good_day), "content-type"),
    }


def at_the_limit(key, t, e, day, *, valid, extra=()):
    """A submission whose record takes exactly MAX_MESSAGE_BYTES: a valid one padded with
    JSON whitespace, or one with an unknown field (refused: its dead letter cannot fit)."""

    def padded(n):
        if valid:
            return plus(signed(key, t, attendance(t, e, day) + b" " * n), *extra)
        return plus(signed(key, t, attendance(t, e, day, note="x" * n)), *extra)

    return sized(MAX_MESSAGE_BYTES, padded)


def tagged(records):
    """Each record marked by a header of its own, to find it on the DLQ whatever else it
    lacks (an id, a key)."""
    return {
        name: plus(r, ("x-case", f"{name} {uuid.uuid4()}".encode())) for name, r in records.items()
    }


def tag(record) -> bytes:
    return next(v for k, v in record[2] if k == "x-case")


REASONS = {
    "no specversion": "missing required attribute header(s): ce_specversion",
    "specversion 0.3": "only CloudEvents 1.0 is read",
    "no id": "missing required attribute header(s): ce_id",
    "no source": "missing required attribute header(s): ce_source",
    "no key": "no message key",
    "key is not the partitionkey": "is not the partition key",
    "key is not the data's trainee": "is not the event's partition key",
    "two ce_id": "header 'ce_id' appears more than once",
    "a NUL in ce_id": "header 'ce_id' holds a control character",
    "a C1 control in ce_source": "header 'ce_source' holds a control character",
    "two ce_ttsignature, the wrong one first": "header 'ce_ttsignature' appears more than once",
    "two ce_type, a foreign one first": "header 'ce_type' appears more than once",
    "two ce_type, another submission last": "header 'ce_type' appears more than once",
    "ce_type again in capitals": "header 'CE_TYPE' appears more than once",
    "two content-type": "header 'content-type' appears more than once",
    "two traceparent": "header 'traceparent' appears more than once",
    "a custom header twice": "header 'x-a' appears more than once",
    "another service's event type, signed": "does not belong on",
    "plain text": "only application/json is read",
    "no content type": "only application/json is read",
    "another tenant's key": "not found",
    "unknown type": "unknown event type",
    "at the limit, invalid": "data invalid",
}


def send_alone(producer, record, topic=None):
    """One record in a batch of its own (a full-size one must not share a batch)."""
    producer.flush(30)
    record_key, value, headers = record
    sent = producer.send(
        topic or INSTITUTE_SUBMISSIONS.name, key=record_key, value=value, headers=headers
    )
    producer.flush(30)
    return sent


def hostile_events(t):
    """Malformed records on enrollment.events.v1, which three workers read and none owns."""
    base = codec.encode(
        codec.to_cloudevent(factories.trainee_registered(trainee_id=t), source="/hostile")
    )
    record = (base.key, base.value, base.headers)
    enrolled = b"traintrack.enrollment.trainee-enrolled.v1"
    found = {
        "two ce_type": plus(record, ("ce_type", enrolled), first=True),
        "no specversion": without(record, "ce_specversion"),
        "a submission on the events topic": replaced(record, "ce_type", ATTENDANCE.encode()),
    }
    return tagged(found)


async def test_hostile_submissions_are_dead_lettered_and_good_ones_applied_in_between(running):
    trainee, enrollment = await enroll_over_http(running)
    t, e = trainee["trainee_id"], enrollment["enrollment_id"]
    key, other = running.institute_key, running.other_institute_key
    days = [d for d in (catalogue.STARTS + timedelta(n) for n in range(14)) if d.weekday() < 5]
    hostile = tagged(hostile_submissions(key, other, t, e, days))
    good = [signed(key, t, attendance(t, e, day)) for day in days[:4]]
    at_limit_valid = at_the_limit(key, t, e, days[4], valid=True)
    at_limit_invalid = at_the_limit(
        key, t, e, days[0], valid=False, extra=[("x-case", f"at the limit {uuid.uuid4()}".encode())]
    )
    over_limit = sized(
        MAX_MESSAGE_BYTES + 100,
        lambda n: signed(key, t, attendance(t, e, days[0], note="x" * n)),
    )
    events = hostile_events(t)
    # Good ones before, between and after the hostile ones, all on the trainee's partition.
    names = list(hostile)
    sequence = [
        good[0],
        *[hostile[n] for n in names[:6]],
        good[1],
        *[hostile[n] for n in names[6:]],
        good[2],
        good[3],
    ]

    dlq = await KafkaTail(running.platform.kafka_bootstrap, INSTITUTE_SUBMISSIONS.dlq).start()
    events_dlq = await KafkaTail(running.platform.kafka_bootstrap, ENROLLMENT_EVENTS.dlq).start()
    try:
        producer = KafkaProducer(
            bootstrap_servers=running.platform.kafka_bootstrap,
            acks="all",
            max_request_size=2_000_000,
            linger_ms=0,
        )
        for record_key, value, headers in sequence:
            producer.send(INSTITUTE_SUBMISSIONS.name, key=record_key, value=value, headers=headers)
        assert send_alone(producer, at_limit_valid).get(30).offset >= 0
        assert send_alone(producer, at_limit_invalid).get(30).offset >= 0
        for record in events.values():
            send_alone(producer, record, ENROLLMENT_EVENTS.name).get(30)
        producer.close()
        # A producer whose request size lets it try one larger: the broker refuses it (and
        # kafka-python gives up on that producer), so it never reaches a worker.
        oversize = KafkaProducer(
            bootstrap_servers=running.platform.kafka_bootstrap, max_request_size=2_000_000
        )
        with pytest.raises(MessageSizeTooLargeError):
            send_alone(oversize, over_limit).get(30)
        oversize.close()
        expected = {tag(r): n for n, r in hostile.items()}
        expected[tag(at_limit_invalid)] = "at the limit, invalid"
        dead = await dlq.collect(lambda r: header(r, "x-case") in expected, len(expected), 120)
        event_ids = {tag(r): n for n, r in events.items()}
        readers = {EVALUATION_CONSUMER, MATCHING_CONSUMER, OUTCOMES_CONSUMER}
        dead_events = await events_dlq.collect(
            lambda r: header(r, "x-case") in event_ids, len(event_ids) * len(readers), 180
        )
        late = await dlq.drain(lambda r: header(r, "x-case") in expected, 2)
    finally:
        await dlq.stop()
        await events_dlq.stop()

    # Each hostile submission dead-lettered exactly once, with its reason.
    by_id = {header(d, "x-case"): d for d in dead}
    assert sorted(by_id) == sorted(expected) and not late
    reasons = {expected[i]: header(d, "dlq-reason").decode() for i, d in by_id.items()}
    assert all(reason.strip() for reason in reasons.values()), reasons
    for name, reason in REASONS.items():
        assert reason in reasons[name], (name, reasons[name])
    assert "missing required attribute header(s): ce_type" in reasons["no type, unsigned"]
    # The full-size one's dead letter would not fit its DLQ: a truncated envelope instead.
    truncated = by_id[tag(at_limit_invalid)]
    assert header(truncated, "dlq-truncated") == b"true"
    assert header(truncated, "dlq-original-value-bytes") == str(len(at_limit_invalid[1])).encode()
    # A malformed event on a topic nobody owns: dead-lettered by each of its readers.
    letters = {}
    for d in dead_events:
        letters.setdefault(event_ids[header(d, "x-case")], []).append(
            header(d, "dlq-consumer").decode()
        )
    assert {name: sorted(got) for name, got in letters.items()} == {
        name: sorted(readers) for name in events
    }

    async with httpx.AsyncClient(
        base_url=running.enrollment_url, headers={"X-API-Key": key}
    ) as api:

        async def attended(days_count):
            report = (await api.get(f"/v1/enrollments/{e}/attendance")).json()
            return report["to_date"]["attended"] == days_count

        await eventually(lambda: attended(5), timeout=60)  # the four, and the full-size one
        # A good submission after the corpus is applied: the worker still consumes.
        after = KafkaProducer(bootstrap_servers=running.platform.kafka_bootstrap, acks="all")
        record_key, value, headers = signed(key, t, attendance(t, e, days[5]))
        after.send(INSTITUTE_SUBMISSIONS.name, key=record_key, value=value, headers=headers)
        after.flush(30)
        after.close()
        await eventually(lambda: attended(6), timeout=60)
        # Nothing else was recorded: the good days, and the tables are intact.
        report = (await api.get(f"/v1/enrollments/{e}/attendance")).json()
        assert report["to_date"]["attended"] == 6
    await every_worker_caught_up(running)


async def every_worker_caught_up(running):
    """Every consumer of every topic at the end of it: no worker stopped on the corpus."""
    async with httpx.AsyncClient(
        base_url=running.operations_url, headers={"X-API-Key": running.operator_key}, timeout=60
    ) as ops:

        async def caught_up():
            rows = (await ops.get("/v1/lag")).json()
            consumers = {r["consumer"] for r in rows}
            done = consumers == {"enrollment", "evaluation", "matching", "outcomes"}
            return done and all(r["lag"] == 0 for r in rows)

        await eventually(caught_up, timeout=180, interval=1)


async def test_a_librdkafka_producers_submission_is_applied_and_in_the_journey_once(running):
    """librdkafka's default partitioner (CRC32) puts the trainee elsewhere than murmur2
    does: the journey still finds the submission, and the same event sent twice (a retry,
    a relay after a crash) is applied once and shown once, marked as redelivered."""
    count = INSTITUTE_SUBMISSIONS.partitions
    for _ in range(20):  # a trainee whose two partitions differ (5 in 6 do)
        trainee, enrollment = await enroll_over_http(running)
        key = trainee["trainee_id"].encode()
        if partitioners.librdkafka_default(key, count) != partitioners.java(key, count):
            break
    else:
        raise AssertionError("no trainee id hashed apart in 20 tries")
    submission = RecordAttendance(
        trainee_id=trainee["trainee_id"],
        enrollment_id=enrollment["enrollment_id"],
        day=next(d for d in (catalogue.STARTS + timedelta(n) for n in range(7)) if d.weekday() < 5),
        status="present",
        check_in=time(9),
    )
    record = signed_record(submission, signing_secret_of(running.institute_key))
    landed = []
    producer = Producer({"bootstrap.servers": running.platform.kafka_bootstrap})
    for _ in range(2):  # the same record, the same event id, twice
        producer.produce(
            INSTITUTE_SUBMISSIONS.name,
            key=record.key,
            value=record.value,
            headers=record.headers,
            on_delivery=lambda error, message: landed.append((error, message.partition())),
        )
    assert producer.flush(30) == 0
    crc32 = partitioners.librdkafka_default(key, count)
    assert landed == [(None, crc32), (None, crc32)]
    event_id = dict(record.headers)["ce_id"].decode()

    async with httpx.AsyncClient(
        base_url=running.operations_url, headers={"X-API-Key": running.operator_key}, timeout=60
    ) as ops:

        async def journey_with_the_submission_applied():
            found = (await ops.get(f"/v1/journeys/{trainee['trainee_id']}")).json()
            types = [e["event_type"] for e in found["events"]]
            applied = "traintrack.enrollment.attendance-recorded.v2" in types
            return found["events"] if applied else None

        events = await eventually(journey_with_the_submission_applied, timeout=90)
    submitted = [e for e in events if e["event_id"] == event_id]
    assert [(e["topic"], e["partition"], e["redeliveries"]) for e in submitted] == [
        (INSTITUTE_SUBMISSIONS.name, crc32, 1)
    ]
    recorded = [e for e in events if (e["event_type"] or "").endswith("attendance-recorded.v2")]
    assert len(recorded) == 1  # applied once
