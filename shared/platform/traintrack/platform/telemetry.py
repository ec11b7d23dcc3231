"""OpenTelemetry set-up for every process, and trace context carried through outbox rows.

Zipkin by default (OTEL_EXPORTER_ZIPKIN_ENDPOINT); OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
or OTEL_TRACES_EXPORTER=otlp is set, configured by the standard OTEL_* variables.
"""

from __future__ import annotations

import logging
import os

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

LOG_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [trace_id=%(trace_id)s span_id=%(span_id)s] %(message)s"
)

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
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=500))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
    _configured = True
    return provider


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


def context_from(traceparent: str | None, tracestate: str | None) -> Context:
    carrier = {k: v for k, v in (("traceparent", traceparent), ("tracestate", tracestate)) if v}
    return propagate.extract(carrier)
