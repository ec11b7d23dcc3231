"""An institute registers and enrolls a trainee; the event leaves through the outbox,
crosses Kafka, and the outcomes service records it in its own database."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat

from tests.e2e.conftest import (
    COHORT,
    EVALUATION_CONSUMER,
    MATCHING_CONSUMER,
    OUTCOMES_CONSUMER,
    enroll_over_http,
)
from tests.utils import factories
from tests.utils.platform import KafkaTail, eventually, header
from traintrack.contracts import codec
from traintrack.contracts.enrollment import TraineeEnrolled
from traintrack.contracts.topics import ENROLLMENT_EVENTS

pytestmark = pytest.mark.e2e
ENROLLED = TraineeEnrolled.type


@pytest.fixture(scope="module")
async def journey(running):
    """One trainee registered and enrolled over HTTP, and the enrolled message on Kafka."""
    tail = await KafkaTail(running.platform.kafka_bootstrap, ENROLLMENT_EVENTS.name).start()
    trainee, enrollment = await enroll_over_http(running)
    record = await tail.wait_for(
        lambda r: (
            r.key == trainee["trainee_id"].encode() and header(r, "ce_type") == ENROLLED.encode()
        )
    )
    await tail.stop()
    return {"trainee_id": trainee["trainee_id"], "enrollment": enrollment, "record": record}


async def outcomes_view(running, trainee_id):
    async with httpx.AsyncClient(
        base_url=running.outcomes_url, headers={"X-API-Key": running.operator_key}
    ) as api:
        response = await api.get(f"/v1/trainees/{trainee_id}")
    return response.json() if response.status_code == 200 else None


async def enrollments_seen(running, trainee_id, count):
    async def probe():
        view = await outcomes_view(running, trainee_id)
        return view if view and len(view["enrollments"]) >= count else None

    return await eventually(probe, timeout=90)


async def produce(running, key: bytes, value: bytes, headers):
    producer = AIOKafkaProducer(bootstrap_servers=running.platform.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(ENROLLMENT_EVENTS.name, value, key=key, headers=list(headers))
    finally:
        await producer.stop()


async def send_marker(running, trainee_id) -> str:
    """A fresh, valid enrollment event for the trainee; its cohort id."""
    cohort = f"marker-{uuid.uuid4().hex[:8]}"
    record = codec.encode(
        codec.to_cloudevent(
            factories.trainee_enrolled(
                trainee_id=trainee_id, institute_id="inst-e2e", cohort_id=cohort
            ),
            source="/tests/e2e",
        )
    )
    await produce(running, record.key, record.value, record.headers)
    return cohort


async def test_the_outcomes_service_records_the_enrollment(running, journey):
    view = await enrollments_seen(running, journey["trainee_id"], 1)
    [enrollment] = view["enrollments"]
    assert enrollment["enrollment_id"] == journey["enrollment"]["enrollment_id"]
    assert enrollment["cohort_id"] == COHORT
    assert enrollment["source_event_id"] == header(journey["record"], "ce_id").decode()
    assert view["institute_id"] == "inst-e2e"


async def test_the_official_cloudevents_sdk_reads_the_message(journey):
    record = journey["record"]
    event = ce_kafka.from_binary(
        ce_kafka.KafkaMessage(
            headers={k: bytes(v) for k, v in record.headers}, key=record.key, value=record.value
        ),
        JSONFormat(),
    )
    assert event.get_type() == ENROLLED
    assert event.get_specversion() == "1.0"
    assert event.get_source() == "/traintrack/enrollment"
    assert event.get_extension("partitionkey") == journey["trainee_id"]
    assert event.get_data()["enrollment_id"] == journey["enrollment"]["enrollment_id"]


async def test_delivering_the_same_event_twice_changes_nothing(running, journey):
    before = await enrollments_seen(running, journey["trainee_id"], 1)
    record = journey["record"]
    await produce(running, record.key, record.value, record.headers)
    marker = await send_marker(running, journey["trainee_id"])
    after = await enrollments_seen(running, journey["trainee_id"], len(before["enrollments"]) + 1)
    assert [e for e in after["enrollments"] if e["cohort_id"] != marker] == before["enrollments"]


async def test_a_malformed_message_goes_to_the_dlq_and_the_next_one_is_processed(running, journey):
    trainee_id = journey["trainee_id"]
    dlq = await KafkaTail(running.platform.kafka_bootstrap, ENROLLMENT_EVENTS.dlq).start()
    try:
        good = journey["record"]
        poison_id = f"poison-{uuid.uuid4().hex[:8]}"
        headers = [(k, poison_id.encode() if k == "ce_id" else bytes(v)) for k, v in good.headers]
        await produce(running, good.key, b'{"trainee_id": "' + good.key + b'", "cohort', headers)
        marker = await send_marker(running, trainee_id)
        view = await eventually(lambda: _has_cohort(running, trainee_id, marker), timeout=90)
        assert marker in [e["cohort_id"] for e in view["enrollments"]]
        # Every consumer of the topic dead-letters it for itself.
        copies = await dlq.collect(lambda r: header(r, "ce_id") == poison_id.encode(), 3)
    finally:
        await dlq.stop()
    consumers = {header(d, "dlq-consumer") for d in copies}
    assert consumers == {
        c.encode() for c in (OUTCOMES_CONSUMER, EVALUATION_CONSUMER, MATCHING_CONSUMER)
    }
    for dead in copies:
        assert b"not a JSON object" in header(dead, "dlq-reason")
        assert header(dead, "dlq-original-topic") == ENROLLMENT_EVENTS.name.encode()


async def _has_cohort(running, trainee_id, cohort):
    view = await outcomes_view(running, trainee_id)
    return view if view and cohort in [e["cohort_id"] for e in view["enrollments"]] else None


async def test_one_trace_in_zipkin_spans_every_service_it_reaches(running, journey):
    trace_id = header(journey["record"], "traceparent").decode().split("-")[1]
    await enrollments_seen(running, journey["trainee_id"], 1)

    def applied_handlers(spans):
        return {
            s["localEndpoint"]["serviceName"]
            for s in spans
            if s["name"] == f"handle {ENROLLED}"
            and s["tags"].get("traintrack.outcome") == "applied"
        }

    async def complete_trace():
        """The trace once both consumers' spans and every parent of every span arrived
        (each process exports on its own schedule)."""
        async with httpx.AsyncClient(base_url=running.platform.zipkin_url) as zipkin:
            response = await zipkin.get(f"/api/v2/trace/{trace_id}")
        if response.status_code != 200:
            return None
        spans = response.json()
        ids = {s["id"] for s in spans}
        connected = all(s["parentId"] in ids for s in spans if "parentId" in s)
        complete = {"outcomes", "evaluation"} <= applied_handlers(spans)
        return spans if connected and complete else None

    spans = await eventually(complete_trace, timeout=60, interval=1)
    by_id = {s["id"]: s for s in spans}
    roots = [s for s in spans if "parentId" not in s]
    assert len(roots) == 1 and roots[0]["localEndpoint"]["serviceName"] == "enrollment"
    assert all(s["parentId"] in by_id for s in spans if "parentId" in s)
    # A redelivered copy (the duplicate test) shows as a second, "duplicate" handle span.
    handles = {
        s["localEndpoint"]["serviceName"]: s
        for s in spans
        if s["name"] == f"handle {ENROLLED}" and s["tags"].get("traintrack.outcome") == "applied"
    }
    assert "evaluation" in handles  # the same trace reaches every consumer
    handle = handles["outcomes"]
    tags = handle["tags"]
    assert tags["traintrack.trainee_id"] == journey["trainee_id"]
    assert tags["cloudevents.event_type"] == ENROLLED
    assert tags["messaging.destination.name"] == ENROLLMENT_EVENTS.name
    assert tags["messaging.consumer.group.name"] == OUTCOMES_CONSUMER
    assert int(tags["messaging.destination.partition.id"]) >= 0
    assert int(tags["messaging.kafka.offset"]) >= 0
    chain = []
    span = handle
    while "parentId" in span:
        span = by_id[span["parentId"]]
        chain.append((span["localEndpoint"]["serviceName"], span["name"]))
    assert ("enrollment", f"{ENROLLMENT_EVENTS.name} publish") in chain
    assert chain[-1][0] == "enrollment" and "/v1/enrollments" in chain[-1][1].lower()
    assert json.dumps(spans, ensure_ascii=False).count("김서연") == 0
