"""The dead-letter topics on Kafka: read the letters, find one, send one back.

Replaying resends the original record (same CloudEvent id) to the original topic:
consumers that applied it already skip it (their inbox), the one that failed applies it
now; replaying twice changes nothing more."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from traintrack.contracts.topics import ALL_TOPICS
from traintrack.operations.domain.dead_letters import EPOCH, PREVIEW_BYTES, DeadLetter
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.outbox import new_producer
from traintrack.platform.messaging.topic_reader import read_to_end


def _header(headers: list[tuple[str, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode(errors="replace")
    return None


def dead_letter(record: object) -> DeadLetter:
    """A DLQ record as a dead letter: the DLQ's dlq-* headers say who failed and why."""
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


class KafkaDeadLetters:
    """The platform's DLQ topics. It opens a producer at the first resend; `close` ends it."""

    def __init__(self, kafka: KafkaConnection) -> None:
        self.kafka = kafka
        self._producer: AIOKafkaProducer | None = None

    @property
    def topics(self) -> list[str]:
        return [t.dlq for t in ALL_TOPICS]

    async def read(self, topics: list[str] | None = None) -> list[DeadLetter]:
        """Every dead letter of the given DLQ topics (default: all), oldest first per topic."""
        found = await asyncio.to_thread(partitions, self.kafka, topics or self.topics)
        letters = [
            dead_letter(r) async for records in read_to_end(self.kafka, found) for r in records
        ]
        return sorted(letters, key=lambda d: (d.topic, d.failed_at or EPOCH, d.offset))

    async def find(self, topic: str, partition: int, offset: int) -> DeadLetter | None:
        consumer = AIOKafkaConsumer(
            **self.kafka.aiokafka(), group_id=None, enable_auto_commit=False
        )
        await consumer.start()
        try:
            tp = TopicPartition(topic, partition)
            consumer.assign([tp])
            consumer.seek(tp, offset)
            fetched = await consumer.getmany(tp, timeout_ms=3000, max_records=1)
            records = fetched.get(tp, [])
            return dead_letter(records[0]) if records and records[0].offset == offset else None
        finally:
            await consumer.stop()

    async def resend(self, letter: DeadLetter) -> None:
        """The original record back onto its topic, marked as replayed from the DLQ."""
        if self._producer is None:
            self._producer = new_producer(self.kafka)
            await self._producer.start()
        # Its own replayed-from only: a letter replayed before carries one already.
        headers = [
            (k, v) for k, v in letter.headers if not k.startswith("dlq-") and k != "replayed-from"
        ]
        headers.append(("replayed-from", letter.ref.encode()))
        await self._producer.send_and_wait(
            letter.original_topic, key=letter.raw_key, value=letter.raw_value, headers=headers
        )

    async def close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()
