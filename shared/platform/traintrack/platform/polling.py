"""Background polls: the loops that look every so often for something to do (webhooks
due, offers to expire, enrollments to close, rows to prune) and the outbox relay.

Most polls find nothing, and an idle platform polls hundreds of times a minute: a poll
that found nothing is counted (`background_polls_total{loop, outcome}` on /metrics), not
traced. `Polls.once` runs a poll in a trace of its own that `telemetry.QuietPolls` keeps
only if the poll did work or failed, so the trace of a busy poll is whole: the queries
that found the work, the work, and the events it wrote (their consumers continue it).
What is never anyone's work (the relay's bookkeeping, readiness probes, metric scrapes)
runs `untraced()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Literal, NoReturn

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.trace import Status, StatusCode, Tracer
from prometheus_client import CollectorRegistry, Counter

from traintrack.platform.telemetry import POLL_LOOP, POLL_OUTCOME

log = logging.getLogger(__name__)
Outcome = Literal["idle", "busy", "failed"]
Poll = Callable[[], Awaitable[int]]  # one look, and the work it found: how much was done


@contextmanager
def untraced() -> Iterator[None]:
    """What runs here (queries above all) makes no span: the instrumentations check
    OpenTelemetry's suppression key. Spans the platform starts itself are unaffected."""
    with suppress_instrumentation():
        yield


def _stopping() -> bool:
    """Whether this task is being cancelled. A poll cancelled inside a transaction can end
    in another error (asyncpg: "cannot rollback; the transaction is in error state"), and a
    loop that took it for a failed poll would poll on and never let its app stop."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class Polls:
    """Runs and counts a process's background polls. `registry`: the app's metrics
    (None: one of its own, for a relay or a loop run outside an app)."""

    def __init__(
        self, registry: CollectorRegistry | None = None, *, tracer: Tracer | None = None
    ) -> None:
        self._polls = Counter(
            "background_polls",
            "Background loops' polls: idle (found nothing, left no trace), busy, failed",
            ["loop", "outcome"],
            registry=registry if registry is not None else CollectorRegistry(),
        )
        self._tracer = tracer or trace.get_tracer(__name__)

    def record(self, loop: str, outcome: Outcome) -> None:
        self._polls.labels(loop, outcome).inc()

    async def once(self, loop: str, poll: Poll) -> int:
        """One poll of `loop`, in a trace of its own kept only if it did work or failed;
        how much it did (0 if it failed: a background loop outlives its failures)."""
        with self._tracer.start_as_current_span(
            f"poll {loop}", context=Context(), attributes={POLL_LOOP: loop}
        ) as span:
            try:
                done = await poll()
            except Exception as error:
                if _stopping():  # cancelled mid-poll: the failure is the cancellation's
                    raise asyncio.CancelledError from error
                log.exception("%s failed; trying again", loop)
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR))
                outcome: Outcome = "failed"
                done = 0
            else:
                outcome = "busy" if done else "idle"
                span.set_attribute("traintrack.poll.work", done)
            span.set_attribute(POLL_OUTCOME, outcome)
        self.record(loop, outcome)
        return done

    async def every(self, loop: str, seconds: float, poll: Poll) -> NoReturn:
        """Poll for ever: again at once after a poll that did work (there may be more),
        `seconds` later after one that found nothing or failed."""
        while True:
            if not await self.once(loop, poll):
                await asyncio.sleep(seconds)
