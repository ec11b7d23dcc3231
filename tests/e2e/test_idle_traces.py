"""An idle platform sends (next to) no traces: its background loops poll on, and a poll
that finds nothing is counted on /metrics (`background_polls_total`), not traced.

Every service's API and worker run as processes with every trace kept, exporting to a
Zipkin collector of this test's own (the shared Zipkin holds other runs' traces too);
once they have settled, what they export over a quiet minute is counted."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import SERVICES, start_services
from tests.utils.keys import write_keyring
from tests.utils.processes import ARTIFACTS, ServiceProcesses
from tests.utils.span_sink import SpanSink, describe, traces
from traintrack.platform.web.auth import Role

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
QUIET_SECONDS = 60.0
SETTLE_SECONDS = 15.0  # start-up's own traces (migrations, the relay taking its lock) flushed
SLOW_LOOP_SECONDS = 10  # the hourly pruning and the 30 s sweeps, made to turn in the minute
# Each API's loops and the fewest idle polls a quiet minute must show: half of what their
# intervals give (the relay waits 1 s between empty polls, the dispatcher 0.5 s, the
# round solver 2 s).
EVERY_API = {"outbox-relay": 30, "table-pruning": 3}
OWN_LOOPS = {
    "enrollment": {"enrollment-closing": 3},
    "matching": {"webhook-dispatch": 60, "offer-expiry": 3, "round-solver": 15},
}
EXPECTED_POLLS = {s: EVERY_API | OWN_LOOPS.get(s, {}) for s in SERVICES}
# None is expected (none is seen). A poll that fails is traced by design, so the bound
# leaves room for a stray failure on a shared stack (a broker or database hiccup), yet
# catches any loop that traces its idle polls: the slowest here polls 6 times a minute.
MOST_TRACES = 2


def intervals() -> dict[str, str]:
    slow = str(SLOW_LOOP_SECONDS)
    return {
        **{f"{s.upper()}_PRUNE_EVERY_SECONDS": slow for s in SERVICES},
        "ENROLLMENT_CLOSE_INTERVAL_SECONDS": slow,
        "MATCHING_EXPIRY_INTERVAL_SECONDS": slow,
    }


async def idle_polls(client: httpx.AsyncClient, url: str) -> dict[str, float]:
    """`background_polls_total{outcome="idle"}` of one API, by loop."""
    text = (await client.get(f"{url}/metrics")).text
    return {
        sample.labels["loop"]: sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "background_polls"
        for sample in family.samples
        if sample.name == "background_polls_total" and sample.labels["outcome"] == "idle"
    }


async def test_an_idle_platform_polls_on_but_exports_next_to_no_traces(
    platform, tmp_path_factory, monkeypatch
):
    # Topics of its own: the workers' fresh consumer groups would otherwise read every event
    # the suite ever wrote, and be anything but idle.
    monkeypatch.setenv("TRAINTRACK_TOPIC_PREFIX", f"idle{uuid.uuid4().hex[:6]}.")
    platform.ensure_topics()
    keyring = tmp_path_factory.mktemp("idle-keys") / "keyring.json"
    write_keyring(keyring, {"operator": (Role.OPERATOR, "platform")})
    groups = {s: f"{s}-idle-{uuid.uuid4().hex[:6]}" for s in SERVICES if s != "operations"}
    sink = SpanSink().start()
    env = {
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT": sink.endpoint,
        "OTEL_TRACES_EXPORTER": "zipkin",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "",
        "OTEL_TRACES_SAMPLER": "parentbased_always_on",  # every trace kept, as in development
        **intervals(),
    }
    processes = ServiceProcesses(ARTIFACTS / "e2e-logs" / "idle-traces")
    try:
        started = await asyncio.to_thread(
            start_services,
            platform,
            processes,
            tmp_path_factory,
            keyring=keyring,
            consumers=groups,
            env=env,
        )
        urls = {s: f"http://127.0.0.1:{port}" for s, port in started.ports.items()}
        await asyncio.sleep(SETTLE_SECONDS)
        async with httpx.AsyncClient(timeout=10) as client:
            before = {s: await idle_polls(client, url) for s, url in urls.items()}
            sink.take()
            quiet_from = time.monotonic()
            await asyncio.sleep(QUIET_SECONDS)
            spans = sink.take()
            quiet_for = time.monotonic() - quiet_from
            after = {s: await idle_polls(client, url) for s, url in urls.items()}
    finally:
        processes.stop_all()
        sink.stop()

    exported = traces(spans)
    figure = f"{len(exported)} traces ({len(spans)} spans) in {quiet_for:.0f} s of idleness"
    (ARTIFACTS / "idle-traces.txt").write_text(f"{figure}: {describe(spans)}\n")
    assert len(exported) <= MOST_TRACES, describe(spans)
    # ...and not because the loops stopped: each polled (and found nothing) all along.
    for service, loops in EXPECTED_POLLS.items():
        for loop, fewest in loops.items():
            polled = after[service].get(loop, 0) - before[service].get(loop, 0)
            assert polled >= fewest, f"{service} {loop}: {polled} idle polls in the minute"
