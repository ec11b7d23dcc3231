"""A request whose trace is not sampled makes no spans below its server span.

Under our samplers (each follows its parent, `telemetry.unsampled`) every span started
inside such a request records nothing, yet each query's span was still made, given ids,
attributes and a context: eight of them on a write, more than a tenth of its CPU. Inside
an unsampled request the instrumentations are told to stand aside (OpenTelemetry's
suppression key, as `polling.untraced` does). The request's trace context stays current,
so what it writes to the outbox still carries it on to Kafka, unsampled, as before; and
a sampled request is traced in full."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace

from traintrack.platform.polling import untraced


def unsampled_request() -> bool:
    """Whether the current span belongs to a trace its sampler left out (a request with no
    trace at all is not: a span started in it asks the sampler afresh)."""
    context = trace.get_current_span().get_span_context()
    return context.is_valid and not context.trace_flags.sampled


class QuietWhenUnsampled:
    """ASGI middleware, inside the tracing middleware (which decides the sampling)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and unsampled_request():
            with untraced():
                await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)
