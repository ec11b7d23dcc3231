"""A trainee's events read from Kafka. Events about a trainee are keyed by their id, so
each topic holds them in one partition (the producers' murmur2 partitioner): only that
partition is read, of every topic and every DLQ."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiokafka.partitioner import DefaultPartitioner

from traintrack.contracts.topics import topic_names_with_dlqs
from traintrack.operations.domain.journey import JourneyEvent, in_order
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.topic_reader import read_to_end


def _header(headers: object, name: str) -> str | None:
    for key, value in headers or ():  # type: ignore[attr-defined]
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


async def journey(bootstrap: str, trainee_id: str) -> list[JourneyEvent]:
    key = trainee_id.encode()
    found = await asyncio.to_thread(partitions, bootstrap, topic_names_with_dlqs())
    counts: dict[str, list[int]] = {}
    for name, partition in found:
        counts.setdefault(name, []).append(partition)
    choose = DefaultPartitioner()
    chosen = [(n, choose(key, sorted(ps), sorted(ps))) for n, ps in counts.items()]
    events: list[JourneyEvent] = []
    async for records in read_to_end(bootstrap, chosen, max_records=5000):
        events += [_event(r) for r in records if r.key == key]
    return in_order(events)


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
