"""Inside a request whose trace is not sampled the instrumentations make no spans; inside
a sampled one, or one with no trace yet, they do."""

import pytest
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from traintrack.platform.web.unsampled import QuietWhenUnsampled


def span_of(sampled: bool) -> NonRecordingSpan:
    flags = TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
    return NonRecordingSpan(SpanContext(0x1234, 0x5678, is_remote=False, trace_flags=flags))


async def instrumented_inside(current: trace.Span | None, kind: str = "http") -> bool:
    seen: list[bool] = []

    async def app(scope, receive, send):
        seen.append(is_instrumentation_enabled())

    token = otel_context.attach(
        trace.set_span_in_context(current) if current else otel_context.Context()
    )
    try:
        await QuietWhenUnsampled(app)({"type": kind}, None, None)
    finally:
        otel_context.detach(token)
    assert is_instrumentation_enabled(), "the suppression ends with the request"
    return seen[0]


async def test_an_unsampled_request_makes_no_spans_below_its_own():
    assert not await instrumented_inside(span_of(sampled=False))


@pytest.mark.parametrize("current", [span_of(sampled=True), None], ids=["sampled", "no trace"])
async def test_a_sampled_request_or_one_without_a_trace_is_traced_in_full(current):
    assert await instrumented_inside(current)


async def test_only_http_requests_are_quieted():
    assert await instrumented_inside(span_of(sampled=False), kind="lifespan")
