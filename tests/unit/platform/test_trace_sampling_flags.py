"""Reading a W3C traceparent's sampled flag without the propagator (telemetry.unsampled):
every message and outbox row asks it."""

import pytest
from opentelemetry import trace

from traintrack.platform.telemetry import unsampled, unsampled_span

TRACE, SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.mark.parametrize(
    ("traceparent", "expected"),
    [
        (f"00-{TRACE}-{SPAN}-00", True),
        (f"00-{TRACE}-{SPAN}-01", False),  # sampled
        (f"00-{TRACE}-{SPAN}-02", True),  # another flag, not the sampled bit
        (f"00-{TRACE}-{SPAN}-03", False),
        (f"00-{TRACE}-{SPAN}-00".encode(), True),  # as a Kafka header
        (f"00-{TRACE}-{SPAN}-0g", False),  # not hex: the propagator decides
        (f"00-{TRACE}-{SPAN[:-1]}-00", False),  # a short span id
        (f"00-{TRACE}-{SPAN}", False),
        ("", False),
        (None, False),
    ],
)
def test_only_a_well_formed_traceparent_without_the_sampled_bit_is_unsampled(traceparent, expected):
    assert unsampled(traceparent) is expected


def test_the_unsampled_callers_span_keeps_its_ids_and_state():
    span = unsampled_span(f"00-{TRACE}-{SPAN}-00".encode(), b"vendor=x")
    assert span is not None
    context = span.get_span_context()
    assert (format(context.trace_id, "032x"), format(context.span_id, "016x")) == (TRACE, SPAN)
    assert context.is_remote and not context.trace_flags.sampled
    assert context.trace_state.get("vendor") == "x"
    assert not span.is_recording()
    assert unsampled_span(f"00-{TRACE}-{SPAN}-01", None) is None
    assert isinstance(unsampled_span(f"00-{TRACE}-{SPAN}-00", None), trace.NonRecordingSpan)
