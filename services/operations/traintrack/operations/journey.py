"""A trainee's journey: every event about them on every topic, in order, with the trace
it belongs to. Events about a trainee are keyed by their id, so each topic holds them in
one partition (the producers' murmur2 partitioner): only that partition is read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka.partitioner import DefaultPartitioner

from traintrack.contracts.topics import ALL_TOPICS
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.topic_reader import read_to_end


@dataclass(frozen=True)
class JourneyEvent:
    at: datetime
    topic: str
    partition: int
    offset: int
    event_type: str | None
    event_id: str | None
    trace_id: str | None
    replayed_from: str | None


def _header(headers: object, name: str) -> str | None:
    for key, value in headers or ():  # type: ignore[attr-defined]
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


def topics_to_read() -> list[str]:
    return [name for t in ALL_TOPICS for name in (t.name, t.dlq)]


async def journey(
    bootstrap: str,
    trainee_id: str,
    *,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
) -> list[JourneyEvent]:
    key = trainee_id.encode()
    found = await asyncio.to_thread(partitions, bootstrap, topics_to_read())
    counts: dict[str, list[int]] = {}
    for name, partition in found:
        counts.setdefault(name, []).append(partition)
    choose = DefaultPartitioner()
    chosen = [(n, choose(key, sorted(ps), sorted(ps))) for n, ps in counts.items()]
    events: list[JourneyEvent] = []
    total, done = 0, 0

    def count(n: int) -> None:
        nonlocal total
        total = n

    async for records in read_to_end(bootstrap, chosen, max_records=5000, on_total=count):
        done += len(records)
        events += [_event(r) for r in records if r.key == key]
        on_progress(done, total)
    return sorted(events, key=lambda e: (e.at, e.topic, e.offset))


def _event(record: object) -> JourneyEvent:
    headers = record.headers  # type: ignore[attr-defined]
    traceparent = _header(headers, "traceparent")
    return JourneyEvent(
        at=datetime.fromtimestamp(record.timestamp / 1000, UTC),  # type: ignore[attr-defined]
        topic=record.topic,  # type: ignore[attr-defined]
        partition=record.partition,  # type: ignore[attr-defined]
        offset=record.offset,  # type: ignore[attr-defined]
        event_type=_header(headers, "ce_type"),
        event_id=_header(headers, "ce_id"),
        trace_id=traceparent.split("-")[1] if traceparent else None,
        replayed_from=_header(headers, "replayed-from"),
    )
