import hashlib
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError
from opentelemetry import trace as otel_trace

from tests.utils import factories
from tests.utils.platform import KafkaTail, header
from traintrack.contracts import codec
from traintrack.contracts.enrollment import TraineeEnrolled, TraineeRegistered
from traintrack.contracts.topics import ENROLLMENT_EVENTS, MAX_MESSAGE_BYTES
from traintrack.platform.errors import Rejected
from traintrack.platform.messaging.consumer import EventConsumer, Outcome
from traintrack.platform.messaging.dlq import PREFIX_BYTES, Delivery
from traintrack.platform.messaging.outbox import new_producer

pytestmark = pytest.mark.integration
TOPIC = ENROLLMENT_EVENTS.name


@pytest.fixture(scope="module")
async def effects(shared_pool):
    await shared_pool.execute("CREATE TABLE IF NOT EXISTS effects (event_id text, note text)")
    return shared_pool


@pytest.fixture(scope="module")
async def producer(platform):
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def dlq(platform):
    tail = await KafkaTail(platform.kafka_bootstrap, ENROLLMENT_EVENTS.dlq).start()
    yield tail
    await tail.stop()


def make_consumer(pool, producer, handler, name="test-consumer"):
    async def publish(topic, key, value, headers):
        await producer.send_and_wait(topic, value, key=key, headers=headers)

    return EventConsumer(
        name=name,
        pool=pool,
        handlers={TraineeEnrolled.type: handler},
        publish=publish,
        max_backoff=0.05,
    )


def delivery(record=None, offset=1):
    record = record or codec.encode(
        codec.to_cloudevent(factories.trainee_enrolled(), source="/test")
    )
    return Delivery(TOPIC, 0, offset, record)


async def record_effect(event, conn):
    await conn.execute("INSERT INTO effects VALUES ($1, 'applied')", event.id)


async def count_effects(pool, event_id):
    return await pool.fetchval("SELECT count(*) FROM effects WHERE event_id = $1", event_id)


async def test_a_redelivered_event_changes_nothing(effects, producer):
    consumer = make_consumer(effects, producer, record_effect)
    message = delivery()
    event_id = codec.decode(message.record).id
    assert await consumer.process(message) is Outcome.APPLIED
    assert await consumer.process(message) is Outcome.DUPLICATE
    assert await count_effects(effects, event_id) == 1


async def test_two_consumers_each_apply_the_same_event_once(effects, producer):
    message = delivery()
    for name in ("consumer-a", "consumer-b"):
        assert (
            await make_consumer(effects, producer, record_effect, name).process(message)
            is Outcome.APPLIED
        )
    assert await count_effects(effects, codec.decode(message.record).id) == 2


async def test_poison_goes_to_the_dlq_with_its_reason_and_origin(effects, producer, dlq):
    consumer = make_consumer(effects, producer, record_effect)
    good = delivery().record
    poison = Delivery(TOPIC, 2, 77, codec.KafkaRecord(good.key, b"{broken", good.headers))
    assert await consumer.process(poison) is Outcome.DEAD_LETTERED
    dead = await dlq.wait_for(lambda r: header(r, "ce_id") == dict(good.headers)["ce_id"])
    assert b"not a JSON object" in header(dead, "dlq-reason")
    assert header(dead, "dlq-consumer") == b"test-consumer"
    assert header(dead, "dlq-original-topic") == TOPIC.encode()
    assert header(dead, "dlq-original-partition") == b"2"
    assert header(dead, "dlq-original-offset") == b"77"
    assert dead.value == b"{broken"


async def test_a_transient_failure_is_retried_until_it_passes(effects, producer):
    attempts = []

    async def flaky(event, conn):
        attempts.append(1)
        if len(attempts) < 4:
            raise ConnectionResetError("database went away")
        await record_effect(event, conn)

    message = delivery()
    assert await make_consumer(effects, producer, flaky).process(message) is Outcome.APPLIED
    assert len(attempts) == 4
    assert await count_effects(effects, codec.decode(message.record).id) == 1


async def test_a_rejected_event_is_dead_lettered_at_once_and_its_effects_rolled_back(
    effects, producer, dlq
):
    attempts = []

    async def refuse(event, conn):
        attempts.append(1)
        await record_effect(event, conn)
        raise Rejected("cohort is closed", field="cohort_id")

    message = delivery()
    event_id = codec.decode(message.record).id
    consumer = make_consumer(effects, producer, refuse)
    assert await consumer.process(message) is Outcome.DEAD_LETTERED
    assert len(attempts) == 1
    assert await count_effects(effects, event_id) == 0
    dead = await dlq.wait_for(lambda r: header(r, "ce_id") == event_id.encode())
    assert header(dead, "dlq-reason") == b"cohort is closed"
    # The inbox entry was rolled back too: after a fix, a replay is applied.
    consumer_fixed = make_consumer(effects, producer, record_effect)
    assert await consumer_fixed.process(message) is Outcome.APPLIED


async def test_an_unexpected_error_is_tried_three_times_then_dead_lettered(effects, producer, dlq):
    attempts = []

    async def buggy(event, conn):
        attempts.append(1)
        raise KeyError("bug")

    message = delivery()
    event_id = codec.decode(message.record).id
    assert await make_consumer(effects, producer, buggy).process(message) is Outcome.DEAD_LETTERED
    assert len(attempts) == 3
    dead = await dlq.wait_for(lambda r: header(r, "ce_id") == event_id.encode())
    assert header(dead, "dlq-error-class") == b"KeyError"


async def test_events_no_handler_wants_are_skipped(effects, producer):
    registered = codec.encode(codec.to_cloudevent(factories.trainee_registered(), source="/test"))
    consumer = make_consumer(effects, producer, record_effect)
    assert await consumer.process(delivery(registered)) is Outcome.IGNORED


async def test_a_known_type_no_handler_wants_is_skipped_without_reading_its_body(
    effects, producer, dlq
):
    """Every worker reads every attendance event; those that want none skip it unparsed.
    A type nobody knows is still read, and dead-lettered."""
    registered = codec.encode(codec.to_cloudevent(factories.trainee_registered(), source="/test"))
    garbled = codec.KafkaRecord(registered.key, b"{not json", registered.headers)
    consumer = make_consumer(effects, producer, record_effect)
    assert await consumer.process(delivery(garbled)) is Outcome.IGNORED
    assert await consumer.process_batch([delivery(garbled)]) == [Outcome.IGNORED]

    unknown = [
        (k, b"traintrack.enrollment.made-up.v1" if k == "ce_type" else v)
        for k, v in registered.headers
    ]
    stranger = codec.KafkaRecord(registered.key, registered.value, unknown)
    assert await consumer.process(delivery(stranger)) is Outcome.DEAD_LETTERED
    event_id = header(codec.KafkaRecord(None, b"", registered.headers), "ce_id")
    await dlq.wait_for(lambda r: header(r, "ce_id") == event_id)


def with_headers(record, *headers, replacing=()):
    kept = [(k, v) for k, v in record.headers if k not in replacing]
    return codec.KafkaRecord(record.key, record.value, [*kept, *headers])


@pytest.mark.parametrize("batch", [False, True], ids=["one-by-one", "in-a-batch"])
async def test_a_malformed_record_of_a_skipped_type_is_dead_lettered_not_skipped(
    effects, producer, dlq, batch
):
    """Skipping unread is for well-formed records of the topic's own types only: two
    ce_type headers (whichever comes first), a missing specversion or another topic's type
    must reach the DLQ, even from a consumer that would skip the type."""
    registered = codec.encode(codec.to_cloudevent(factories.trainee_registered(), source="/t"))
    enrolled_type = TraineeEnrolled.type.encode()
    hostile = {
        "two types, ours first": codec.KafkaRecord(
            registered.key, registered.value, [("ce_type", enrolled_type), *registered.headers]
        ),
        "two types, ours last": with_headers(registered, ("ce_type", enrolled_type)),
        "no specversion": with_headers(registered, replacing=("ce_specversion",)),
        "another topic's type": with_headers(
            registered,
            ("ce_type", b"traintrack.outcomes.outcome-reported.v1"),
            replacing=("ce_type",),
        ),
    }
    consumer = make_consumer(effects, producer, record_effect)
    for name, record in hostile.items():
        event_id = str(uuid.uuid4()).encode()
        record = with_headers(record, ("ce_id", event_id), replacing=("ce_id",))
        if batch:
            outcomes = await consumer.process_batch([delivery(record)])
        else:
            outcomes = [await consumer.process(delivery(record))]
        assert outcomes == [Outcome.DEAD_LETTERED], name
        dead = await dlq.wait_for(lambda r, i=event_id: header(r, "ce_id") == i)
        assert header(dead, "dlq-reason"), name


def batch_consumer(pool, producer, batch_handler, name="batch-consumer"):
    async def publish(topic, key, value, headers):
        await producer.send_and_wait(topic, value, key=key, headers=headers)

    return EventConsumer(
        name=name,
        pool=pool,
        handlers={},
        publish=publish,
        max_backoff=0.05,
        batch_handlers={TraineeEnrolled.type: batch_handler},
    )


async def record_all_but_closed_cohorts(envelopes, conn):
    refused = {}
    for index, event in enumerate(envelopes):
        if event.data.cohort_id.startswith("closed"):
            refused[index] = Rejected("cohort is closed", field="cohort_id")
        else:
            await record_effect(event, conn)
    return refused


async def test_a_batch_applies_each_new_event_once_and_dead_letters_only_the_refused(
    effects, producer, dlq
):
    good = [delivery(offset=n) for n in range(5)]
    closed = delivery(
        codec.encode(
            codec.to_cloudevent(factories.trainee_enrolled(cohort_id="closed-1"), source="/test")
        ),
        offset=9,
    )
    consumer = batch_consumer(effects, producer, record_all_but_closed_cohorts)
    batch = [good[0], good[1], closed, good[1], good[2], good[3], good[4]]
    outcomes = await consumer.process_batch(batch)
    assert outcomes == [
        Outcome.APPLIED,
        Outcome.APPLIED,
        Outcome.DEAD_LETTERED,
        Outcome.DUPLICATE,
        Outcome.APPLIED,
        Outcome.APPLIED,
        Outcome.APPLIED,
    ]
    for message in good:
        assert await count_effects(effects, codec.decode(message.record).id) == 1
    closed_id = codec.decode(closed.record).id
    dead = await dlq.wait_for(lambda r: header(r, "ce_id") == closed_id.encode())
    assert header(dead, "dlq-reason") == b"cohort is closed"
    # Redelivered, the good ones are duplicates; the refused one was released, so a replay
    # after a fix is applied.
    again = await consumer.process_batch(good[:2])
    assert again == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    fixed = batch_consumer(effects, producer, lambda envs, conn: _apply_all(envs, conn))
    assert await fixed.process_batch([closed, good[0]]) == [Outcome.APPLIED, Outcome.DUPLICATE]


async def _apply_all(envelopes, conn):
    for event in envelopes:
        await record_effect(event, conn)
    return {}


async def test_a_batch_keeps_order_around_poison_and_other_types(effects, producer, dlq):
    first, last = delivery(offset=1), delivery(offset=3)
    poison = Delivery(TOPIC, 0, 2, codec.KafkaRecord(first.record.key, b"{", first.record.headers))
    seen = []

    async def remember(envelopes, conn):
        seen.extend(e.id for e in envelopes)
        return {}

    outcomes = await batch_consumer(effects, producer, remember).process_batch(
        [first, poison, last]
    )
    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert seen == [codec.decode(first.record).id, codec.decode(last.record).id]


async def test_a_batch_that_keeps_failing_falls_back_to_one_by_one(effects, producer, dlq):
    messages = [delivery(offset=n) for n in range(3)]
    bad_id = codec.decode(messages[1].record).id

    async def breaks_on_one(envelopes, conn):
        for event in envelopes:
            if event.id == bad_id:
                raise KeyError("bug triggered by one event")
            await record_effect(event, conn)
        return {}

    outcomes = await batch_consumer(effects, producer, breaks_on_one).process_batch(messages)
    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert await count_effects(effects, bad_id) == 0


async def test_a_run_of_several_types_is_one_transaction_applied_in_order(effects, producer):
    """Registrations and enrollments alternate on the enrollment topic; a replay applies
    them a batch at a time, each stretch of one type by its handler, in order, and an
    event nobody here handles does not break the run."""
    calls = []

    def handler(kind):
        async def record(envelopes, conn):
            calls.append(
                (kind, [e.id for e in envelopes], await conn.fetchval("SELECT txid_current()"))
            )
            return {}

        return record

    consumer = EventConsumer(
        name="mixed-batch-consumer",
        pool=effects,
        handlers={},
        publish=None,
        batch_handlers={
            TraineeEnrolled.type: handler("enrolled"),
            TraineeRegistered.type: handler("registered"),
        },
    )

    def message(data, offset):
        return delivery(codec.encode(codec.to_cloudevent(data, source="/test")), offset)

    registered = [message(factories.trainee_registered(), n) for n in (1, 4)]
    enrolled = [message(factories.trainee_enrolled(), n) for n in (2, 5)]
    skipped = message(factories.cohort_opened(), 3)  # a type of the topic nobody here handles
    batch = [registered[0], enrolled[0], skipped, registered[1], enrolled[1]]

    outcomes = await consumer.process_batch(batch)

    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED, Outcome.IGNORED] + [Outcome.APPLIED] * 2
    ids = [codec.decode(m.record).id for m in (*registered, *enrolled)]
    assert [(kind, got) for kind, got, _ in calls] == [
        ("registered", [ids[0]]),
        ("enrolled", [ids[2]]),
        ("registered", [ids[1]]),
        ("enrolled", [ids[3]]),
    ]
    assert len({tx for _, _, tx in calls}) == 1


def record_taking(size, key=b"tr-1", headers=()):
    """A record of `size` bytes as producers count them (`codec.record_size`)."""
    headers = list(headers)
    length = size - codec.record_size(key, b"", headers)
    while codec.record_size(key, b"x" * length, headers) > size:
        length -= 1
    assert codec.record_size(key, b"x" * length, headers) == size
    return codec.KafkaRecord(key, b"x" * length, headers)


async def test_the_platforms_producer_sends_up_to_the_size_limit_and_refuses_one_byte_more(
    platform,
):
    producer = new_producer(platform.kafka)
    await producer.start()
    try:
        topic = f"{TOPIC}.size-probe"
        largest = record_taking(MAX_MESSAGE_BYTES)
        sent = await producer.send_and_wait(topic, largest.value, key=largest.key)
        assert sent.offset >= 0  # the broker took it
        over = record_taking(MAX_MESSAGE_BYTES + 1)
        with pytest.raises(MessageSizeTooLargeError):
            await producer.send_and_wait(topic, over.value, key=over.key)
    finally:
        await producer.stop()


async def test_a_poison_record_at_the_size_limit_is_dead_lettered_as_a_truncated_envelope(
    effects, platform, dlq
):
    """Its dead letter (the original plus the reason) would not fit the DLQ: the envelope
    holds the headers, a prefix, the size and hash of the value, and the reason; the
    consumer goes on to the next record."""
    producer = new_producer(platform.kafka)
    await producer.start()

    async def publish(topic, key, value, headers):
        await producer.send_and_wait(topic, value, key=key, headers=headers)

    try:
        consumer = EventConsumer(
            name="size-consumer",
            pool=effects,
            handlers={TraineeEnrolled.type: record_effect},
            publish=publish,
            max_backoff=0.05,
        )
        good = delivery().record
        event_id = str(uuid.uuid4()).encode()
        headers = with_headers(good, ("ce_id", event_id), replacing=("ce_id",)).headers
        huge = record_taking(MAX_MESSAGE_BYTES, key=good.key, headers=headers)
        assert await consumer.process(delivery(huge)) is Outcome.DEAD_LETTERED
        dead = await dlq.wait_for(lambda r: header(r, "ce_id") == event_id)
        assert header(dead, "dlq-truncated") == b"true"
        assert b"not a JSON object" in header(dead, "dlq-reason")
        assert header(dead, "dlq-original-value-bytes") == str(len(huge.value)).encode()
        digest = hashlib.sha256(huge.value).hexdigest().encode()
        assert header(dead, "dlq-original-value-sha256") == digest
        assert dead.value == huge.value[:PREFIX_BYTES]

        after = delivery()
        assert await consumer.process(after) is Outcome.APPLIED
        assert await count_effects(effects, codec.decode(after.record).id) == 1
    finally:
        await producer.stop()


@pytest.mark.parametrize("sampled", [True, False])
async def test_a_message_continues_the_trace_it_carries_with_a_span_only_where_sampled(
    effects, producer, spans, sampled
):
    """What a handler does (the events it writes) stays in the message's trace; a span of
    its own only where that trace is sampled (an unsampled one would record nothing)."""
    trace_id, caller = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    flags = "01" if sampled else "00"
    seen = []

    async def handler(event, conn):
        seen.append(otel_trace.get_current_span().get_span_context())
        await record_effect(event, conn)

    event = codec.to_cloudevent(factories.trainee_enrolled(), source="/test")
    traceparent = f"00-{trace_id}-{caller}-{flags}".encode()
    record = codec.encode(event, [("traceparent", traceparent)])
    assert await make_consumer(effects, producer, handler).process(delivery(record)) is (
        Outcome.APPLIED
    )
    [context] = seen
    assert format(context.trace_id, "032x") == trace_id
    assert context.trace_flags.sampled is sampled
    handled = [
        s
        for s in spans.get_finished_spans()
        if s.attributes.get("cloudevents.event_id") == event.get_id()
    ]
    if sampled:
        assert [format(s.parent.span_id, "016x") for s in handled] == [caller]
    else:
        assert format(context.span_id, "016x") == caller and handled == []
