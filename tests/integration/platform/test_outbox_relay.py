import asyncio
import json
import uuid

import pytest
from opentelemetry import trace
from prometheus_client import CollectorRegistry

from tests.utils import factories
from tests.utils.platform import KafkaTail, eventually, header
from traintrack.contracts.topics import ENROLLMENT_EVENTS
from traintrack.platform.messaging import outbox
from traintrack.platform.polling import Polls

pytestmark = pytest.mark.integration


@pytest.fixture
async def relay(shared_pool, platform):
    relay = outbox.OutboxRelay(pool=shared_pool, kafka=platform.kafka)
    await relay.start()
    yield relay
    await relay.stop()


@pytest.fixture
async def tail(platform):
    tail = await KafkaTail(platform.kafka_bootstrap, ENROLLMENT_EVENTS.name).start()
    yield tail
    await tail.stop()


async def write(pool, *events):
    async with pool.acquire() as conn, conn.transaction():
        return [await outbox.add_event(conn, e, source="/test") for e in events]


async def test_committed_events_reach_kafka_in_order_per_key_as_cloudevents(
    shared_pool, relay, tail
):
    trainee = factories.trainee_id()
    events = [factories.trainee_enrolled(trainee_id=trainee, cohort_id=f"c-{n}") for n in range(20)]
    ids = await write(shared_pool, *events)
    records = await tail.collect(lambda r: r.key == trainee.encode(), 20)
    assert [header(r, "ce_id").decode() for r in records] == ids
    assert [json.loads(r.value)["cohort_id"] for r in records] == [f"c-{n}" for n in range(20)]
    assert len({r.partition for r in records}) == 1
    assert header(records[0], "ce_type") == events[0].type.encode()
    assert header(records[0], "content-type") == b"application/json"


async def test_a_rolled_back_transaction_publishes_nothing(shared_pool, relay, tail):
    trainee = factories.trainee_id()
    with pytest.raises(RuntimeError):
        async with shared_pool.acquire() as conn, conn.transaction():
            await outbox.add_event(
                conn,
                factories.trainee_enrolled(trainee_id=trainee, cohort_id="rolled-back"),
                source="/test",
            )
            raise RuntimeError("the state change failed")
    [marker] = await write(
        shared_pool, factories.trainee_enrolled(trainee_id=trainee, cohort_id="kept")
    )
    seen = await tail.collect(lambda r: r.key == trainee.encode(), 1)
    assert [header(r, "ce_id").decode() for r in seen] == [marker]


async def test_published_rows_are_marked_sent(shared_pool, relay, tail):
    [event_id] = await write(shared_pool, factories.trainee_registered())
    await tail.wait_for(lambda r: header(r, "ce_id") == event_id.encode())
    sent_at = await eventually(
        lambda: shared_pool.fetchval(
            "SELECT sent_at FROM outbox WHERE event_id = $1", uuid.UUID(event_id)
        )
    )
    assert sent_at is not None


async def test_the_message_carries_the_trace_of_the_request_that_wrote_the_row(
    shared_pool, relay, tail, spans
):
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("institute request") as request_span:
        [event_id] = await write(shared_pool, factories.trainee_registered())
    record = await tail.wait_for(lambda r: header(r, "ce_id") == event_id.encode())
    traceparent = header(record, "traceparent").decode()
    trace_id = format(request_span.get_span_context().trace_id, "032x")
    assert traceparent.split("-")[1] == trace_id
    publish = [
        s
        for s in spans.get_finished_spans()
        if s.name == f"{ENROLLMENT_EVENTS.name} publish"
        and s.attributes.get("messaging.message.id") == event_id
    ]
    assert publish and publish[0].parent.span_id == request_span.get_span_context().span_id


async def test_a_row_of_an_unsampled_trace_goes_out_with_its_trace_context_and_no_span(
    shared_pool, relay, tail, spans
):
    # A request whose trace the sampler dropped: its context reaches the reader as it was.
    unsampled = trace.NonRecordingSpan(
        trace.SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=trace.TraceFlags(0))
    )
    with trace.use_span(unsampled):
        [event_id] = await write(shared_pool, factories.trainee_registered())
    record = await tail.wait_for(lambda r: header(r, "ce_id") == event_id.encode())
    assert header(record, "traceparent") == (
        b"00-00000000000000000000000000000abc-0000000000000def-00"
    )
    assert not [
        s
        for s in spans.get_finished_spans()
        if s.attributes.get("messaging.message.id") == event_id
    ]
    assert json.loads(record.value)["trainee_id"]  # the stored JSON, sent as it is


async def test_two_relays_on_one_database_publish_each_event_once_and_in_order(
    shared_pool, platform, tail
):
    relays = [
        outbox.OutboxRelay(pool=shared_pool, kafka=platform.kafka, batch_size=7) for _ in range(2)
    ]
    for relay in relays:
        await relay.start()
    try:
        trainee = factories.trainee_id()
        ids = []
        for n in range(40):
            ids += await write(
                shared_pool, factories.trainee_enrolled(trainee_id=trainee, cohort_id=f"c-{n}")
            )
        records = await tail.collect(lambda r: r.key == trainee.encode(), 40)
        more = await tail.drain(lambda r: r.key == trainee.encode(), seconds=2)
    finally:
        for relay in relays:
            await relay.stop()
    assert [header(r, "ce_id").decode() for r in records] == ids
    assert more == []


async def test_a_commit_that_queued_events_wakes_the_relay_with_the_rows(shared_pool):
    woken = asyncio.Event()

    def notified(*_: object) -> None:
        woken.set()

    async with shared_pool.acquire() as listener:
        await listener.add_listener(outbox.NOTIFY_CHANNEL, notified)
        try:
            await write(shared_pool, factories.trainee_registered())
            await asyncio.wait_for(woken.wait(), 10)
        finally:
            await listener.remove_listener(outbox.NOTIFY_CHANNEL, notified)


async def test_rows_committed_while_a_wake_up_gathers_go_out_in_its_round(
    shared_pool, platform, tail
):
    registry = CollectorRegistry()
    relay = outbox.OutboxRelay(
        pool=shared_pool, kafka=platform.kafka, gather_seconds=3.0, polls=Polls(registry)
    )
    await relay.start()
    try:
        await eventually(lambda: relay.kafka_reachable())
        # Whatever earlier tests left unsent goes first, in rounds of its own.
        await eventually(lambda: nothing_unsent(shared_pool))
        rounds_before = busy_rounds(registry)
        # Five requests, five transactions, each waking the relay.
        ids = await asyncio.gather(
            *(write(shared_pool, factories.trainee_registered()) for _ in "12345")
        )
        wanted = {i.encode() for [i] in ids}
        await tail.collect(lambda r: header(r, "ce_id") in wanted, 5)
        await eventually(lambda: nothing_unsent(shared_pool))  # the round is over
        assert busy_rounds(registry) - rounds_before == 1
    finally:
        await relay.stop()


async def nothing_unsent(pool) -> bool:
    unsent, _ = await outbox.backlog(pool)
    return unsent == 0


def busy_rounds(registry: CollectorRegistry) -> float:
    value = registry.get_sample_value(
        "background_polls_total", {"loop": outbox.RELAY_LOOP, "outcome": "busy"}
    )
    return value or 0.0
