"""The span of one consumed message (`handle <type>`), in the trace its headers carry.

Asked for every message, and most are in no sampled trace: those cost next to nothing.
An unsampled traceparent gives the caller's own span, recording nothing (what the message
causes stays in that trace); a message with no trace context (an institute's submission)
starts a trace only if the sampler says so, and its attributes are written only then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from opentelemetry import context, propagate, trace
from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY, Context

from traintrack.contracts.codec import Envelope
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.telemetry import unsampled_span

tracer = trace.get_tracer(__name__)
NO_PARENT = Context()  # what the propagator makes of no trace headers: a root


def start_span(envelope: Envelope, delivery: Delivery, *, consumer: str) -> trace.Span:
    """The message's span, started but not made current (the caller decides when)."""
    traceparent, tracestate = trace_headers(delivery.record.headers)
    quiet = unsampled_span(traceparent, tracestate)
    if quiet is not None:
        return quiet
    parent = _context_of(traceparent, tracestate) if traceparent else NO_PARENT
    span = tracer.start_span(f"handle {envelope.type}", context=parent)
    if span.is_recording():  # the sampler decided without them (ours read the trace id)
        span.set_attributes(_attributes(envelope, delivery, consumer))
    return span


@contextmanager
def acting_in(
    span: trace.Span, *, end_on_exit: bool = False, record_errors: bool = True
) -> Iterator[trace.Span]:
    """`span` current (as `trace.use_span`; `record_errors`: an exception leaving is
    recorded on it), and the instrumentations (a span per query) on only if it records:
    under a message span that records nothing, each query's span was still made, given ids
    and a context, then dropped (a twentieth of a worker's CPU). Set either way, so a
    sampled message handled inside an unsampled batch is traced in full."""
    quiet = not span.is_recording()
    with trace.use_span(
        span,
        end_on_exit=end_on_exit,
        record_exception=record_errors,
        set_status_on_exception=record_errors,
    ):
        instrumented = context.get_current()
        # Both of the suppression keys the instrumentations read (the plain one is older).
        for key in (_SUPPRESS_INSTRUMENTATION_KEY, "suppress_instrumentation"):
            instrumented = context.set_value(key, quiet, instrumented)
        token = context.attach(instrumented)
        try:
            yield span
        finally:
            context.detach(token)


def trace_headers(headers: Iterable[tuple[str, bytes]]) -> tuple[bytes | None, bytes | None]:
    """The message's traceparent and tracestate (the last of each, as a dict would keep)."""
    traceparent = tracestate = None
    for name, value in headers:
        if name == "traceparent":
            traceparent = value
        elif name == "tracestate":
            tracestate = value
    return traceparent, tracestate


def _attributes(envelope: Envelope, delivery: Delivery, consumer: str) -> dict[str, str | int]:
    about = (
        {"traintrack.trainee_id": envelope.key} if envelope.data.key_field == "trainee_id" else {}
    )
    return {
        **about,
        "cloudevents.event_id": envelope.id,
        "cloudevents.event_type": envelope.type,
        "traintrack.partition_key": envelope.key,
        "messaging.consumer.group.name": consumer,
        "messaging.destination.name": delivery.topic,
        "messaging.destination.partition.id": str(delivery.partition),
        "messaging.kafka.offset": delivery.offset,
    }


def _context_of(traceparent: bytes, tracestate: bytes | None) -> Context:
    carrier = {"traceparent": traceparent.decode(errors="replace")}
    if tracestate:
        carrier["tracestate"] = tracestate.decode(errors="replace")
    return propagate.extract(carrier)
