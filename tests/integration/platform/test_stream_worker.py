"""The worker runtime (`streams`) on a real broker: every record handed over once, in
partition order, in batches no larger than asked; offsets committed only after the
handler returned; a rebalance waits for the poll in hand, so nothing is handled twice."""

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tests.utils.platform import eventually
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.streams import consume, create_stream_app

pytestmark = pytest.mark.integration
PARTITIONS = 3


class Recording:
    """An EventConsumer's two entry points, recording what they were handed."""

    def __init__(self, *, pause: float = 0.0):
        self.batches: list[list[tuple[int, int]]] = []
        self.singles: list[tuple[int, int]] = []
        self._pause = pause

    async def process_batch(self, deliveries):
        self.batches.append([(d.partition, d.offset) for d in deliveries])
        await asyncio.sleep(self._pause)

    async def process(self, delivery):
        self.singles.append((delivery.partition, delivery.offset))

    def seen(self) -> list[tuple[int, int]]:
        return [pair for batch in self.batches for pair in batch] + self.singles


@pytest.fixture
async def topic(platform):
    name = f"test.stream-worker-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(name, PARTITIONS, replication_factor=1)])
    yield name
    await admin.delete_topics([name])
    await admin.close()


async def produce(bootstrap: str, topic: str, count: int, *, first: int = 0) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for n in range(first, first + count):
            await producer.send(topic, b"v", key=f"k{n}".encode(), partition=n % PARTITIONS)
        await producer.flush()
    finally:
        await producer.stop()


def worker(platform, topic: str, group: str, handler: Recording, tmp_path, *, batch: int):
    app = create_stream_app(
        group, kafka=KafkaConnection.plaintext(platform.kafka_bootstrap), state_dir=tmp_path
    )

    async def build():
        return handler

    consume(app, SimpleNamespace(name=topic), agent_name="record", build=build, batch=batch)
    return app


async def until(condition, *, seconds: float = 30.0) -> None:
    async def probe():
        return condition()

    await eventually(probe, timeout=seconds, interval=0.05)


async def committed(bootstrap: str, topic: str, group: str) -> dict[int, int | None]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        return {p: await consumer.committed(TopicPartition(topic, p)) for p in range(PARTITIONS)}
    finally:
        await consumer.stop()


async def test_every_record_once_in_partition_order_batched_and_committed_after(
    platform, topic, tmp_path
):
    await produce(platform.kafka_bootstrap, topic, 1_200)
    group = f"test-worker-{uuid.uuid4().hex[:6]}"
    handler, stopping = Recording(), asyncio.Event()
    running = asyncio.create_task(
        worker(platform, topic, group, handler, tmp_path, batch=150).run(stopping)
    )
    await until(lambda: len(handler.seen()) >= 1_200)
    stopping.set()
    await running

    assert handler.singles == []
    assert max(len(b) for b in handler.batches) == 150
    for partition in range(PARTITIONS):
        offsets = [o for p, o in handler.seen() if p == partition]
        assert offsets == list(range(400))
    assert await committed(platform.kafka_bootstrap, topic, group) == dict.fromkeys(
        range(PARTITIONS), 400
    )
    assert (tmp_path / group / "heartbeat").exists()

    # Started again in its group, it reads only what came since.
    await produce(platform.kafka_bootstrap, topic, 3, first=1_200)
    again, stopping = Recording(), asyncio.Event()
    running = asyncio.create_task(
        worker(platform, topic, group, again, tmp_path, batch=150).run(stopping)
    )
    await until(lambda: len(again.seen()) >= 3)
    await asyncio.sleep(1)  # time for anything it should not have read
    stopping.set()
    await running
    assert sorted(again.seen()) == [(0, 400), (1, 400), (2, 400)]


async def test_an_unbatched_topic_is_handed_over_one_record_at_a_time(platform, topic, tmp_path):
    await produce(platform.kafka_bootstrap, topic, 30)
    handler, stopping = Recording(), asyncio.Event()
    group = f"test-worker-{uuid.uuid4().hex[:6]}"
    running = asyncio.create_task(
        worker(platform, topic, group, handler, tmp_path, batch=1).run(stopping)
    )
    await until(lambda: len(handler.singles) >= 30)
    stopping.set()
    await running
    assert handler.batches == []
    assert sorted(handler.singles) == [(p, o) for p in range(PARTITIONS) for o in range(10)]


async def test_a_rebalance_waits_for_the_poll_in_hand_so_no_record_is_handled_twice(
    platform, topic, tmp_path
):
    """The first replica is slow (0.2 s per batch of 20): when a second one joins, the
    partitions move only after the first committed what it is handling; what it had
    fetched beyond that is read by whoever owns the partition next, once."""
    await produce(platform.kafka_bootstrap, topic, 600)
    group = f"test-worker-{uuid.uuid4().hex[:6]}"
    first, second = Recording(pause=0.2), Recording()
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    running = [
        asyncio.create_task(
            worker(platform, topic, group, first, tmp_path, batch=20).run(stop_first)
        )
    ]
    await until(lambda: len(first.batches) >= 1)
    running.append(
        asyncio.create_task(
            worker(platform, topic, group, second, tmp_path, batch=20).run(stop_second)
        )
    )
    await produce(platform.kafka_bootstrap, topic, 600, first=600)  # work for both
    await until(lambda: len(first.seen()) + len(second.seen()) >= 1_200, seconds=120)
    stop_first.set()
    stop_second.set()
    await asyncio.gather(*running)

    both = first.seen() + second.seen()
    assert len(both) == len(set(both)) == 1_200
    assert second.seen()
