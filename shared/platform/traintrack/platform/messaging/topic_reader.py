"""Reading partitions from their beginning up to the end they had when reading started
(a replay, a journey, the dead letters): records that arrive meanwhile are not waited for."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from traintrack.contracts.topics import MAX_MESSAGE_BYTES
from traintrack.platform.messaging.connection import KafkaConnection


async def read_to_end(
    kafka: KafkaConnection,
    partitions: Sequence[tuple[str, int]],
    *,
    max_records: int = 1000,
    on_total: Callable[[int], None] = lambda total: None,
) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """Batches of records (each from one partition, in offset order); `on_total` hears
    how many records there are to read before the first batch."""
    consumer = AIOKafkaConsumer(
        **kafka.aiokafka(),
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES,
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, partition) for topic, partition in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        firsts, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
        on_total(sum(ends[tp] - firsts[tp] for tp in tps))
        left = {tp for tp in tps if ends[tp] > firsts[tp]}
        while left:
            fetched = await consumer.getmany(*left, timeout_ms=1000, max_records=max_records)
            for tp, records in fetched.items():
                wanted = [r for r in records if r.offset < ends[tp]]
                if wanted:
                    yield wanted
                if records and records[-1].offset + 1 >= ends[tp]:
                    left.discard(tp)
    finally:
        await consumer.stop()
