"""What Kafka knows about the pipeline: consumer lag per group and partition, and the
size of each dead-letter topic. Who reads what is declared with the topics."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from kafka import KafkaAdminClient

from traintrack.contracts.topics import ALL_TOPICS, consumers
from traintrack.operations.domain.pipeline import Lag
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.connection import KafkaConnection


async def end_offsets(
    kafka: KafkaConnection, names: list[str]
) -> dict[tuple[str, int], tuple[int, int]]:
    """(topic, partition) -> (first offset, end offset)."""
    found = await asyncio.to_thread(partitions, kafka, names)
    consumer = AIOKafkaConsumer(**kafka.aiokafka(), group_id=None)
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t, p in found]
        firsts, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return {(tp.topic, tp.partition): (firsts[tp], ends[tp]) for tp in tps}


def _committed(kafka: KafkaConnection, groups: list[str]) -> dict[str, dict[tuple[str, int], int]]:
    admin = KafkaAdminClient(**kafka.kafka_python())
    try:
        # types-kafka-python leaves this method unannotated
        found: dict[str, Any] = admin.list_group_offsets(groups)  # type: ignore[no-untyped-call]
    finally:
        admin.close()
    return {
        group: {(tp.topic, tp.partition): meta.offset for tp, meta in (offsets or {}).items()}
        for group, offsets in found.items()
    }


async def lag(kafka: KafkaConnection, groups: dict[str, str]) -> list[Lag]:
    """Per consumer (its group as `groups` names it), topic and partition."""
    readers = consumers()
    names = sorted({t.name for topics in readers.values() for t in topics})
    ends = await end_offsets(kafka, names)
    committed = await asyncio.to_thread(_committed, kafka, list(groups.values()))
    rows = []
    for consumer, topics in readers.items():
        group = groups[consumer]
        wanted = {t.name for t in topics}
        for (name, partition), (_, end) in sorted(ends.items()):
            if name in wanted:
                seen = committed.get(group, {}).get((name, partition))
                rows.append(Lag(consumer, group, name, partition, seen, end))
    return rows


async def dlq_sizes(kafka: KafkaConnection) -> dict[str, int]:
    ends = await end_offsets(kafka, [t.dlq for t in ALL_TOPICS])
    sizes: dict[str, int] = {t.dlq: 0 for t in ALL_TOPICS}
    for (name, _), (first, end) in ends.items():
        sizes[name] += end - first
    return sizes
