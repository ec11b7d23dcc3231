"""A batch applies many messages in one transaction, yet what its handler does for a
message in a sampled trace (its statements, the events it emits) lands in that trace, and
in no other message's."""

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.utils import factories
from traintrack.contracts import codec
from traintrack.contracts.enrollment import TraineeEnrolled
from traintrack.contracts.topics import ENROLLMENT_EVENTS
from traintrack.platform.messaging import message_spans
from traintrack.platform.messaging.consumer import EventConsumer, Outcome
from traintrack.platform.messaging.dlq import Delivery

CALLER = "00f067aa0ba902b7"


class FakeInbox:
    """A pool whose one connection takes every claim as the first; counts transactions."""

    def __init__(self):
        self.transactions = 0
        self.claims_traced: list[bool] = []  # whether the instrumentations were on

    def acquire(self):
        return self

    def transaction(self):
        self.transactions += 1
        return self

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def fetch(self, query, consumer, ids, *columns):
        self.claims_traced.append(is_instrumentation_enabled())
        return [{"event_id": i} for i in ids]


def message(offset, trace_id, sampled):
    traceparent = f"00-{trace_id:032x}-{CALLER}-{'01' if sampled else '00'}".encode()
    event = codec.to_cloudevent(factories.trainee_enrolled(), source="/test")
    return Delivery(
        ENROLLMENT_EVENTS.name, 0, offset, codec.encode(event, [("traceparent", traceparent)])
    )


def batch_consumer(inbox: FakeInbox, handle) -> EventConsumer:
    """A consumer applying enrollments in batches with `handle`, claiming in `inbox`."""
    return EventConsumer(
        name="c",
        pool=inbox,
        handlers={},
        publish=None,
        batch_handlers={TraineeEnrolled.type: handle},
    )


@pytest.fixture
def exporter(monkeypatch) -> InMemorySpanExporter:
    """Message spans recorded (under a ratio sampler of 1, a sampled parent records)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(message_spans, "tracer", provider.get_tracer("test"))
    return exporter


async def test_each_sampled_message_is_handled_alone_in_its_trace_within_one_transaction(
    exporter,
):
    calls = []

    async def handle(envelopes, conn):
        current = trace.get_current_span().get_span_context().trace_id
        calls.append(([e.id for e in envelopes], current))
        return {}

    inbox = FakeInbox()
    consumer = batch_consumer(inbox, handle)
    # Trace ids 1-5; the third and fifth messages are in sampled traces.
    batch = [message(n, n + 1, sampled=n in (2, 4)) for n in range(5)]
    ids = [codec.decode(m.record).id for m in batch]

    assert await consumer.process_batch(batch) == [Outcome.APPLIED] * 5

    assert calls == [(ids[0:2], 2), (ids[2:3], 3), (ids[3:4], 4), (ids[4:5], 5)]
    assert inbox.transactions == 1
    spans = exporter.get_finished_spans()
    assert [(s.context.trace_id, s.attributes["cloudevents.event_id"]) for s in spans] == [
        (3, ids[2]),
        (5, ids[4]),
    ]
    assert {s.attributes["traintrack.outcome"] for s in spans} == {"applied"}
    assert {format(s.parent.span_id, "016x") for s in spans} == {CALLER}


@pytest.mark.parametrize(
    ("sampled", "expected", "claim_traced"),
    [
        ((2, 4), [(2, False), (3, True), (4, False), (5, True)], True),
        ((1, 2), [(1, False), (2, True), (3, True), (5, False)], False),
    ],
)
async def test_queries_make_spans_only_for_messages_in_sampled_traces(
    exporter, sampled, expected, claim_traced
):
    """The instrumentations (a span per query) stand aside under a message span that
    records nothing, and act again for a sampled one in the same batch; the run's own
    statements (the inbox claim) follow the last message's trace."""
    seen = []

    async def handle(envelopes, conn):
        trace_id = trace.get_current_span().get_span_context().trace_id
        seen.append((trace_id, is_instrumentation_enabled()))
        return {}

    inbox = FakeInbox()
    consumer = batch_consumer(inbox, handle)
    batch = [message(n, n + 1, sampled=n in sampled) for n in range(5)]

    assert await consumer.process_batch(batch) == [Outcome.APPLIED] * 5

    assert seen == expected  # (trace id, instrumentations on) per stretch handed over
    assert inbox.claims_traced == [claim_traced]
    assert is_instrumentation_enabled()  # nothing leaks out of the batch
