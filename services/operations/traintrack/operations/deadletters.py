"""Dead letters: read them with their reason, send them back to their topic after a fix,
or set them aside. Replaying resends the original record (same CloudEvent id) to the
original topic: consumers that applied it already skip it (their inbox), the one that
failed applies it now; replaying twice changes nothing more."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from traintrack.contracts.topics import ALL_TOPICS
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.outbox import new_producer
from traintrack.platform.messaging.topic_reader import read_to_end

PREVIEW_BYTES = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # sorts letters without a failure time first


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    consumer: str
    reason: str
    error_class: str
    original: str  # topic/partition/offset
    failed_at: datetime | None
    event_type: str | None
    event_id: str | None
    key: str | None
    value: str
    headers: list[tuple[str, bytes]] = field(repr=False, default_factory=list)
    raw_value: bytes = field(repr=False, default=b"")
    raw_key: bytes | None = field(repr=False, default=None)

    @property
    def ref(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"


def _header(headers: list[tuple[str, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode(errors="replace")
    return None


def _dead(record: object) -> DeadLetter:
    headers = [(str(k), bytes(v)) for k, v in (record.headers or ())]  # type: ignore[attr-defined]
    failed = _header(headers, "dlq-failed-at")
    raw = record.value or b""  # type: ignore[attr-defined]
    return DeadLetter(
        topic=record.topic,  # type: ignore[attr-defined]
        partition=record.partition,  # type: ignore[attr-defined]
        offset=record.offset,  # type: ignore[attr-defined]
        consumer=_header(headers, "dlq-consumer") or "?",
        reason=_header(headers, "dlq-reason") or "?",
        error_class=_header(headers, "dlq-error-class") or "?",
        original="/".join(
            _header(headers, f"dlq-original-{n}") or "?" for n in ("topic", "partition", "offset")
        ),
        failed_at=datetime.fromisoformat(failed) if failed else None,
        event_type=_header(headers, "ce_type"),
        event_id=_header(headers, "ce_id"),
        key=record.key.decode(errors="replace") if record.key else None,  # type: ignore[attr-defined]
        value=raw[:PREVIEW_BYTES].decode(errors="replace"),
        headers=headers,
        raw_value=raw,
        raw_key=record.key,  # type: ignore[attr-defined]
    )


async def read(bootstrap: str, topics: list[str] | None = None) -> list[DeadLetter]:
    """Every dead letter of the given DLQ topics (default: all), oldest first per topic."""
    names = topics or [t.dlq for t in ALL_TOPICS]
    found = await asyncio.to_thread(partitions, bootstrap, names)
    letters = [_dead(r) async for records in read_to_end(bootstrap, found) for r in records]
    return sorted(letters, key=lambda d: (d.topic, d.failed_at or EPOCH, d.offset))


async def find(bootstrap: str, topic: str, partition: int, offset: int) -> DeadLetter | None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        fetched = await consumer.getmany(tp, timeout_ms=3000, max_records=1)
        records = fetched.get(tp, [])
        return _dead(records[0]) if records and records[0].offset == offset else None
    finally:
        await consumer.stop()


async def resend(producer: AIOKafkaProducer, dead: DeadLetter) -> None:
    """The original record back onto its topic, marked as replayed from the DLQ."""
    headers = [(k, v) for k, v in dead.headers if not k.startswith("dlq-")]
    headers.append(("replayed-from", dead.ref.encode()))
    await producer.send_and_wait(
        dead.original.split("/")[0], key=dead.raw_key, value=dead.raw_value, headers=headers
    )


def producer(bootstrap: str) -> AIOKafkaProducer:
    return new_producer(bootstrap)
