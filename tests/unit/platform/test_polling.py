"""Background polls leave a trace only when they did work (or failed), and are counted
either way."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry

from traintrack.platform.polling import Polls, untraced
from traintrack.platform.telemetry import QuietPolls


@pytest.fixture
def exported() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exported: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(QuietPolls(SimpleSpanProcessor(exported)))
    return provider


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def polls(provider: TracerProvider, registry: CollectorRegistry) -> Polls:
    return Polls(registry, tracer=provider.get_tracer("test"))


def counted(registry: CollectorRegistry, loop: str, outcome: str) -> float:
    value = registry.get_sample_value("background_polls_total", {"loop": loop, "outcome": outcome})
    return value or 0.0


def names(exported: InMemorySpanExporter) -> list[str]:
    return sorted(s.name for s in exported.get_finished_spans())


def querying(provider: TracerProvider, found: int):
    """A poll that runs a query (a span, as the asyncpg instrumentation makes) and finds
    `found` things to do."""
    tracer = provider.get_tracer("db")

    async def poll() -> int:
        with tracer.start_as_current_span("SELECT"):
            await asyncio.sleep(0)
        return found

    return poll


async def test_a_poll_that_found_nothing_is_counted_and_leaves_no_trace(
    polls, provider, registry, exported
):
    assert await polls.once("webhooks", querying(provider, 0)) == 0
    assert exported.get_finished_spans() == ()
    assert counted(registry, "webhooks", "idle") == 1


async def test_a_poll_that_did_work_keeps_its_whole_trace(polls, provider, registry, exported):
    assert await polls.once("webhooks", querying(provider, 3)) == 3
    spans = exported.get_finished_spans()
    assert names(exported) == ["SELECT", "poll webhooks"]
    assert len({s.context.trace_id for s in spans}) == 1
    poll = next(s for s in spans if s.name == "poll webhooks")
    assert poll.parent is None and poll.attributes["traintrack.poll.work"] == 3
    assert counted(registry, "webhooks", "busy") == 1


async def test_a_failed_poll_is_traced_counted_and_survived(polls, registry, exported):
    async def broken() -> int:
        raise ConnectionError("the database went away")

    assert await polls.once("expiry", broken) == 0
    [span] = exported.get_finished_spans()
    assert span.attributes["traintrack.poll.outcome"] == "failed"
    assert span.events[0].name == "exception"
    assert counted(registry, "expiry", "failed") == 1


async def test_a_poll_starts_a_trace_of_its_own_even_inside_another_span(polls, provider, exported):
    with provider.get_tracer("test").start_as_current_span("request"):
        await polls.once("closing", querying(provider, 1))
    poll = next(s for s in exported.get_finished_spans() if s.name == "poll closing")
    assert poll.parent is None


async def test_spans_of_a_busy_poll_ending_after_it_are_exported(polls, provider, exported):
    """E.g. the relay's publish span, later, for an event the poll wrote."""
    tracer = provider.get_tracer("relay")
    later = []

    async def writes_an_event() -> int:
        later.append(tracer.start_span("publish"))  # a child of the poll, ended after it
        return 1

    await polls.once("closing", writes_an_event)
    later[0].end()
    assert names(exported) == ["poll closing", "publish"]


async def test_spans_outside_polls_pass_straight_through(provider, exported):
    with provider.get_tracer("test").start_as_current_span("POST /v1/trainees"):
        pass
    assert names(exported) == ["POST /v1/trainees"]


async def test_every_polls_again_at_once_after_work_and_waits_after_nothing(polls, registry):
    found = iter([2, 1, 0, 0])

    async def poll() -> int:
        return next(found)

    task = asyncio.create_task(polls.every("relay", 0.2, poll))
    await asyncio.sleep(0.1)  # the two busy polls and the first idle one, without a pause
    assert (counted(registry, "relay", "busy"), counted(registry, "relay", "idle")) == (2, 1)
    await asyncio.sleep(0.2)  # the second idle one, 0.2 s after the first
    assert counted(registry, "relay", "idle") == 2
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_loop_cancelled_mid_poll_stops_even_if_the_poll_turns_it_into_an_error(
    polls, registry
):
    """A transaction cancelled mid-statement fails its rollback with another error; the
    loop must stop all the same (an app waits for its loops when it shuts down)."""
    started = asyncio.Event()

    async def poll() -> int:
        started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise RuntimeError("cannot rollback; the transaction is in error state") from None
        return 1

    task = asyncio.create_task(polls.every("closing", 0.01, poll))
    await started.wait()
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=2)
    assert done and task.cancelled()
    assert counted(registry, "closing", "failed") == 0


def test_untraced_suppresses_instrumentation_within_only():
    with untraced():
        assert not is_instrumentation_enabled()
    assert is_instrumentation_enabled()
