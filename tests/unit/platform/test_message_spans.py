"""The span of a consumed message: recording only in a sampled trace, and nearly free
(no attributes written) in any other."""

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased

from traintrack.contracts import codec
from traintrack.contracts.submissions import ChangeConsent
from traintrack.platform.messaging import message_spans
from traintrack.platform.messaging.dlq import Delivery

TRACE, CALLER = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.fixture
def exported(monkeypatch):
    """Spans the tracer of `message_spans` exports, its root sampler set by the test."""
    exporter = InMemorySpanExporter()

    def sampling(root):
        provider = TracerProvider(sampler=ParentBased(root))
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        monkeypatch.setattr(message_spans, "tracer", provider.get_tracer("test"))
        return exporter

    return sampling


def delivery(*headers):
    event = codec.to_cloudevent(
        ChangeConsent(trainee_id="tr-1", share_with_firms=True), source="/t"
    )
    record = codec.encode(event, headers)
    return Delivery("institute.submissions.v1", 3, 42, record), codec.decode(record)


def started(*headers):
    message, envelope = delivery(*headers)
    span = message_spans.start_span(envelope, message, consumer="enrollment")
    span.end()
    return span, envelope


def test_without_trace_context_a_trace_the_sampler_declines_is_a_new_unrecorded_one(exported):
    spans = exported(ALWAYS_OFF)
    span, _ = started()
    context = span.get_span_context()
    assert not span.is_recording() and not context.trace_flags.sampled
    assert context.is_valid and not context.is_remote
    assert spans.get_finished_spans() == ()


def test_without_trace_context_a_sampled_trace_starts_with_the_messages_attributes(exported):
    spans = exported(ALWAYS_ON)
    _, envelope = started()
    [span] = spans.get_finished_spans()
    assert span.name == "handle traintrack.institute.change-consent.v1"
    assert span.parent is None
    assert dict(span.attributes) == {
        "traintrack.trainee_id": "tr-1",
        "cloudevents.event_id": envelope.id,
        "cloudevents.event_type": "traintrack.institute.change-consent.v1",
        "traintrack.partition_key": "tr-1",
        "messaging.consumer.group.name": "enrollment",
        "messaging.destination.name": "institute.submissions.v1",
        "messaging.destination.partition.id": "3",
        "messaging.kafka.offset": 42,
    }


def test_an_unsampled_traceparent_gives_the_callers_span_recording_nothing(exported):
    spans = exported(ALWAYS_ON)
    span, _ = started(("traceparent", f"00-{TRACE}-{CALLER}-00".encode()))
    context = span.get_span_context()
    assert (format(context.trace_id, "032x"), format(context.span_id, "016x")) == (TRACE, CALLER)
    assert not span.is_recording()
    assert spans.get_finished_spans() == ()


def test_a_sampled_traceparent_gives_a_child_of_the_caller_whatever_the_root_sampler(exported):
    spans = exported(ALWAYS_OFF)
    started(("traceparent", f"00-{TRACE}-{CALLER}-01".encode()), ("tracestate", b"v=1"))
    [span] = spans.get_finished_spans()
    assert format(span.context.trace_id, "032x") == TRACE
    assert format(span.parent.span_id, "016x") == CALLER
    assert span.context.trace_state.get("v") == "1"
    assert span.attributes["cloudevents.event_type"] == ChangeConsent.type


def test_the_trace_headers_are_the_last_of_each_name_and_only_those_names():
    headers = [
        ("traceparent", b"a"),
        ("Traceparent", b"x"),
        ("tracestate", b"s"),
        ("traceparent", b"b"),
    ]
    assert message_spans.trace_headers(headers) == (b"b", b"s")
    assert message_spans.trace_headers([("ce_id", b"1")]) == (None, None)
