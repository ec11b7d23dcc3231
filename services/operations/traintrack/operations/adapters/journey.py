"""A trainee's events read from Kafka. Events about a trainee are keyed by their id, so
each topic holds them in one partition: where our producers' murmur2 puts the key, and on
a topic that clients outside the platform write, wherever any mainstream client's
partitioner may have put it. Only those partitions are read, of every topic and DLQ."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from traintrack.contracts.topics import ALL_TOPICS, topic_names_with_dlqs
from traintrack.operations.domain.journey import JourneyEvent, once_each
from traintrack.platform.messaging import partitioners
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.topic_reader import read_to_end


def _header(headers: object, name: str) -> str | None:
    for key, value in headers or ():  # type: ignore[attr-defined]
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


def where(key: bytes, topic: str, count: int) -> set[int]:
    """The partitions of `topic` that may hold records keyed `key` (our producers and DLQ
    writers hash as the Java client does)."""
    external = {t.name for t in ALL_TOPICS if t.external_producers}
    if topic in external:
        return partitioners.every_client(key, count)
    return {partitioners.java(key, count)}


async def journey(kafka: KafkaConnection, trainee_id: str) -> list[JourneyEvent]:
    key = trainee_id.encode()
    found = await asyncio.to_thread(partitions, kafka, topic_names_with_dlqs())
    counts: dict[str, int] = {}
    for name, _ in found:
        counts[name] = counts.get(name, 0) + 1
    chosen = [(n, p) for n, count in counts.items() for p in sorted(where(key, n, count))]
    events: list[JourneyEvent] = []
    async for records in read_to_end(kafka, chosen, max_records=5000):
        events += [_event(r) for r in records if r.key == key]
    return once_each(events)


def _event(record: object) -> JourneyEvent:
    headers = record.headers  # type: ignore[attr-defined]
    trace = (_header(headers, "traceparent") or "").split("-")  # whatever a client sent
    return JourneyEvent(
        at=datetime.fromtimestamp(record.timestamp / 1000, UTC),  # type: ignore[attr-defined]
        topic=record.topic,  # type: ignore[attr-defined]
        partition=record.partition,  # type: ignore[attr-defined]
        offset=record.offset,  # type: ignore[attr-defined]
        event_type=_header(headers, "ce_type"),
        event_id=_header(headers, "ce_id"),
        trace_id=trace[1] if len(trace) > 1 and trace[1] else None,
        replayed_from=_header(headers, "replayed-from"),
        dead_lettered_by=_header(headers, "dlq-consumer"),
    )
