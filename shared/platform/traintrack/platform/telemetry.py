"""OpenTelemetry set-up for every process, and trace context carried through outbox rows.

Zipkin by default (OTEL_EXPORTER_ZIPKIN_ENDPOINT); OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
or OTEL_TRACES_EXPORTER=otlp is set, configured by the standard OTEL_* variables.
A background poll's trace is exported only if the poll did work or failed (`QuietPolls`).
"""

from __future__ import annotations

import logging
import os
import threading

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import TraceState

LOG_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [trace_id=%(trace_id)s span_id=%(span_id)s] %(message)s"
)

# What a background poll's root span says of itself (polling.py sets them).
POLL_LOOP = "traintrack.poll.loop"
POLL_OUTCOME = "traintrack.poll.outcome"  # idle | busy | failed
KEPT_OUTCOMES = ("busy", "failed")

_configured = False


def _exporter() -> SpanExporter | None:
    choice = os.environ.get("OTEL_TRACES_EXPORTER", "")
    if choice == "none":
        return None
    if choice == "otlp" or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    from opentelemetry.exporter.zipkin.json import ZipkinExporter

    # The exporter reads OTEL_EXPORTER_ZIPKIN_ENDPOINT itself; default is localhost:9411.
    return ZipkinExporter()


def setup_tracing(service_name: str) -> TracerProvider:
    """Install the tracer provider, asyncpg instrumentation and trace ids in log lines.

    Idempotent: a process (or a test session) configures OpenTelemetry once.
    """
    global _configured
    if _configured:
        provider = trace.get_tracer_provider()
        assert isinstance(provider, TracerProvider)
        return provider
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    exporter = _exporter()
    if exporter is not None:
        batches = BatchSpanProcessor(exporter, schedule_delay_millis=500)
        provider.add_span_processor(QuietPolls(batches))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
    _configured = True
    return provider


class QuietPolls(SpanProcessor):
    """Passes every span on to `inner`, except those of a background poll's trace: they are
    held until the poll's own span ends, then passed on if the poll did work (or failed)
    and dropped if it found nothing. A busy poll keeps its whole trace, the queries that
    found the work included; an idle one, however many queries it ran, leaves none."""

    def __init__(self, inner: SpanProcessor) -> None:
        self._inner = inner
        self._held: dict[int, list[ReadableSpan]] = {}  # by trace id, while the poll runs
        self._lock = threading.Lock()  # spans may end on other threads (to_thread)

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if span.parent is None and POLL_LOOP in (span.attributes or {}):
            with self._lock:
                self._held[span.context.trace_id] = []
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        assert span.context is not None
        with self._lock:
            held = self._held.get(span.context.trace_id)
            if held is not None and span.parent is not None:
                held.append(span)
                return
            if held is not None:  # the poll's own span: the trace is decided
                del self._held[span.context.trace_id]
        if held is None:  # not a poll's, or ending after its poll (a relay's publish span)
            self._inner.on_end(span)
        elif (span.attributes or {}).get(POLL_OUTCOME) in KEPT_OUTCOMES:
            for kept in [*held, span]:
                self._inner.on_end(kept)
        # else an idle (or cancelled) poll: dropped with everything it held

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


class TraceIdsFilter(logging.Filter):
    """Stamps each record with the current trace and span ids (zeros outside a span)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x")
        record.span_id = format(context.span_id, "016x")
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(TraceIdsFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)


def current_carrier() -> dict[str, str]:
    """The W3C trace context of the current span, to store beside an outbox row."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def unsampled(traceparent: str | bytes | None) -> bool:
    """Whether a W3C traceparent says its trace is not sampled: its spans would record
    nothing (every sampler of ours follows the parent), so a message or outbox row that
    carries it needs no span of its own, only the header passed on. Read without the
    propagator: this runs for every message, and most are not sampled."""
    if not traceparent:
        return False
    text = traceparent.decode(errors="replace") if isinstance(traceparent, bytes) else traceparent
    parts = text.split("-")
    if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16 or len(parts[3]) != 2:
        return False
    try:
        return not int(parts[3], 16) & 1
    except ValueError:
        return False


def unsampled_span(
    traceparent: str | bytes | None, tracestate: str | bytes | None
) -> trace.NonRecordingSpan | None:
    """The remote caller's span of a trace that is not sampled, to make current instead
    of starting a span that would record nothing; None for any other traceparent."""
    if not unsampled(traceparent):
        return None
    assert traceparent is not None
    text = traceparent.decode() if isinstance(traceparent, bytes) else traceparent
    _, trace_id, span_id, _ = text.split("-")
    state = tracestate.decode(errors="replace") if isinstance(tracestate, bytes) else tracestate
    return trace.NonRecordingSpan(
        trace.SpanContext(
            int(trace_id, 16),
            int(span_id, 16),
            is_remote=True,
            trace_flags=trace.TraceFlags(0),
            trace_state=TraceState.from_header([state]) if state else None,
        )
    )


def context_from(traceparent: str | None, tracestate: str | None) -> Context:
    carrier = {k: v for k, v in (("traceparent", traceparent), ("tracestate", tracestate)) if v}
    return propagate.extract(carrier)
