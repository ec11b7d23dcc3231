"""Pipeline health in one place: lag, dead letters, last errors, outbox backlogs, rates."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from traintrack.operations import deadletters, pipeline
from traintrack.operations.settings import OperationsSettings


@dataclass
class Rates:
    """Events/s per consumer, from the committed offsets of two successive looks."""

    last: dict[str, tuple[float, int]] = field(default_factory=dict)

    def update(self, consumer: str, committed: int) -> float | None:
        now = time.monotonic()
        before = self.last.get(consumer)
        self.last[consumer] = (now, committed)
        if before is None or now <= before[0]:
            return None
        return max(committed - before[1], 0) / (now - before[0])


async def outbox(settings: OperationsSettings) -> dict[str, dict[str, float | None]]:
    """Each service's outbox backlog and age, from its /metrics."""

    async def one(client: httpx.AsyncClient, url: str) -> dict[str, float | None]:
        try:
            text = (await client.get(f"{url}/metrics", timeout=3)).text
        except httpx.HTTPError:
            return {"unsent": None, "oldest_age_seconds": None}
        values = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}
        return {
            "unsent": values.get("outbox_unsent_events"),
            "oldest_age_seconds": values.get("outbox_oldest_unsent_age_seconds"),
        }

    async with httpx.AsyncClient() as client:
        found = await asyncio.gather(*(one(client, u) for u in settings.service_urls.values()))
    return dict(zip(settings.service_urls, found, strict=True))


async def snapshot(settings: OperationsSettings, rates: Rates) -> dict[str, Any]:
    lags, sizes, letters, backlog = await asyncio.gather(
        pipeline.lag(settings.kafka_bootstrap, settings.consumer_groups),
        pipeline.dlq_sizes(settings.kafka_bootstrap),
        deadletters.read(settings.kafka_bootstrap),
        outbox(settings),
    )
    last_error: dict[str, dict[str, Any]] = {}
    for letter in sorted(letters, key=lambda d: d.failed_at or deadletters.EPOCH):
        last_error[letter.consumer] = {
            "at": letter.failed_at,
            "reason": letter.reason,
            "dead_letter": letter.ref,
        }
    consumers: dict[str, dict[str, Any]] = {}
    for row in lags:
        c = consumers.setdefault(row.consumer, {"group": row.group, "lag": 0, "committed": 0})
        c["lag"] += row.lag
        c["committed"] += row.committed or 0
    for name, c in consumers.items():
        c["events_per_second"] = rates.update(name, c["committed"])
        c["last_error"] = last_error.get(c["group"])
    return {"consumers": consumers, "partitions": lags, "dead_letters": sizes, "outbox": backlog}


def prometheus(state: dict[str, Any]) -> bytes:
    registry = CollectorRegistry()
    lag = Gauge(
        "consumer_lag",
        "Records not yet processed",
        ["consumer", "topic", "partition"],
        registry=registry,
    )
    committed = Gauge(
        "consumer_committed_offset",
        "Committed offset (rate() = events/s)",
        ["consumer", "topic", "partition"],
        registry=registry,
    )
    dead = Gauge("dlq_messages", "Messages in a dead-letter topic", ["topic"], registry=registry)
    failed = Gauge(
        "consumer_last_dead_letter_timestamp_seconds",
        "When the consumer last dead-lettered a message",
        ["consumer"],
        registry=registry,
    )
    unsent = Gauge(
        "service_outbox_unsent_events", "Unpublished outbox rows", ["service"], registry=registry
    )
    age = Gauge(
        "service_outbox_oldest_unsent_age_seconds",
        "Oldest unpublished outbox row",
        ["service"],
        registry=registry,
    )
    for row in state["partitions"]:
        labels = (row.consumer, row.topic, str(row.partition))
        lag.labels(*labels).set(row.lag)
        committed.labels(*labels).set(row.committed or 0)
    for name, size in state["dead_letters"].items():
        dead.labels(name).set(size)
    for name, c in state["consumers"].items():
        if c["last_error"] and c["last_error"]["at"]:
            failed.labels(name).set(c["last_error"]["at"].timestamp())
    for service, values in state["outbox"].items():
        if values["unsent"] is not None:
            unsent.labels(service).set(values["unsent"])
            age.labels(service).set(values["oldest_age_seconds"] or 0)
    return generate_latest(registry)
