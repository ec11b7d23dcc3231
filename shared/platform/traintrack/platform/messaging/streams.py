"""The service workers' runtime: one consumer group per service (its consumer name), its
topics read with aiokafka, each poll's records handed to the EventConsumers registered
with `consume`, and the offsets committed only once they returned.

Workers ran on faust-streaming until Step 12. Its per-message drain (a queue put, a
stream step and an ack for every record) cost 107 µs of CPU per event; this loop costs
17.5 µs, aiokafka's bare `getmany` 13.9 (`bench/reader_overhead.py`), and every attendance
event is read twice. EventConsumer never raises and does all the per-record work
(inbox, retries, DLQ), so what remains here is the group, the batching and the commit.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError

from traintrack.contracts.codec import Headers, KafkaRecord
from traintrack.contracts.topics import MAX_MESSAGE_BYTES, Topic
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.messaging.outbox import new_producer

log = logging.getLogger(__name__)
HEARTBEAT = "heartbeat"  # touched in <state dir>/<consumer name>/ every HEARTBEAT_SECONDS
HEARTBEAT_SECONDS = 10.0
# Logged once a worker has joined its group (`make run` and `make up` wait for these
# words in its log: traintrack.devstack.services.WORKER_READY).
READY = "worker ready"
POLL_MS = 500  # how long an idle poll waits for records before it asks again
POLL_RECORDS = 500  # at most per poll: one commit covers them, whatever the batch sizes


async def wait_for_kafka(kafka: KafkaConnection, *, seconds: float = 300) -> None:
    """Until a broker answers for its metadata (or `seconds` pass: then the worker's own
    start reports it)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        client = AIOKafkaClient(**kafka.aiokafka())
        try:
            await client.bootstrap()
            return
        except KafkaError as error:
            if asyncio.get_running_loop().time() > deadline:
                return
            log.warning("waiting for Kafka at %s: %s", kafka.bootstrap, error)
            await asyncio.sleep(1)
        finally:
            await client.close()


@dataclass(frozen=True)
class _Reading:
    topic: str
    build: Callable[[], Awaitable[EventConsumer]]
    batch: int


@dataclass
class StreamApp:
    """A worker: `consume` registers what it reads; `main` runs it until SIGTERM/SIGINT."""

    app_id: str
    kafka: KafkaConnection
    state_dir: Path
    readings: list[_Reading] = field(default_factory=list)
    producer: AIOKafkaProducer | None = None

    @property
    def group(self) -> str:
        return self.app_id

    def consumer_settings(self) -> dict[str, Any]:
        return {
            **self.kafka.aiokafka(),
            "group_id": self.group,
            "auto_offset_reset": "earliest",
            "enable_auto_commit": False,  # committed after the records were handled
            "max_partition_fetch_bytes": MAX_MESSAGE_BYTES,
            # A replica killed outright leaves the group after 10 s: the others take its
            # partitions over within seconds (aiokafka rebalances eagerly only).
            "session_timeout_ms": 10_000,
            "heartbeat_interval_ms": 3_000,
        }

    def main(self) -> None:
        asyncio.run(self.run())

    async def run(self, stopping: asyncio.Event | None = None) -> None:
        """Until `stopping` is set (by default: until SIGTERM or SIGINT)."""
        if stopping is None:
            stopping = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stopping.set)
        self.producer = new_producer(self.kafka)
        await self.producer.start()
        heartbeat = asyncio.create_task(self._beat())
        try:
            await _Reader(self, await self._handlers()).run(stopping)
        finally:
            heartbeat.cancel()
            await self.producer.stop()

    async def _handlers(self) -> dict[str, tuple[EventConsumer, int]]:
        """Each topic's consumer; topics registered with the same `build` share the one it
        makes (one pool, one inbox name)."""
        built: dict[Callable[[], Awaitable[EventConsumer]], EventConsumer] = {}
        for reading in self.readings:
            if reading.build not in built:
                built[reading.build] = await reading.build()
        return {r.topic: (built[r.build], r.batch) for r in self.readings}

    async def _beat(self) -> None:
        """A container healthcheck's sign that the worker's event loop turns."""
        heartbeat = self.state_dir / self.app_id / HEARTBEAT
        while True:
            heartbeat.touch()
            await asyncio.sleep(HEARTBEAT_SECONDS)


class _Reader(ConsumerRebalanceListener):  # type: ignore[misc]
    """The poll loop. A poll's records are handled topic by topic, the topics concurrently
    (one slow topic does not hold the others' records back for longer than the poll),
    each partition in order; their offsets are committed afterwards.
    A rebalance waits for the poll in hand, so what was handled is committed before the
    partitions move; what was read and not committed is read again by the next owner,
    which each consumer's inbox makes harmless."""

    def __init__(self, app: StreamApp, handlers: Mapping[str, tuple[EventConsumer, int]]):
        self._app, self._handlers = app, handlers
        self._busy = asyncio.Lock()
        self._joined = False
        self._most = max(POLL_RECORDS, *(batch for _, batch in handlers.values()))

    async def run(self, stopping: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(**self._app.consumer_settings())
        consumer.subscribe(list(self._handlers), listener=self)
        await consumer.start()
        self._consumer = consumer
        try:
            while not stopping.is_set():
                polled = await consumer.getmany(timeout_ms=POLL_MS, max_records=self._most)
                if polled:
                    async with self._busy:
                        await self._handle(polled)
                        await self._commit(polled)
        finally:
            await consumer.stop()  # leaves the group: the others take over at once

    async def _handle(self, polled: Mapping[TopicPartition, list[ConsumerRecord]]) -> None:
        by_topic: dict[str, list[Delivery]] = {}
        for tp, records in polled.items():
            by_topic.setdefault(tp.topic, []).extend(_delivery(r) for r in records)
        await asyncio.gather(*(self._handle_topic(t, d) for t, d in by_topic.items()))

    async def _handle_topic(self, topic: str, deliveries: Sequence[Delivery]) -> None:
        handler, batch = self._handlers[topic]
        if batch == 1:
            for delivery in deliveries:
                await handler.process(delivery)
            return
        for start in range(0, len(deliveries), batch):
            await handler.process_batch(deliveries[start : start + batch])

    async def _commit(self, polled: Mapping[TopicPartition, list[ConsumerRecord]]) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in polled.items() if records}
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:  # the group moved on without
            # waiting (this member was dropped from it): the new owner reads them again
            log.warning("%s: commit refused after a rebalance: %s", self._app.group, error)

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self._busy:  # the poll in hand is handled and committed first
            pass

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        log.info("%s: assigned %d partitions", self._app.group, len(assigned))
        if not self._joined:  # a replica beyond the partitions is assigned none: ready too
            self._joined = True
            log.info("%s: %s", self._app.group, READY)


def create_stream_app(app_id: str, *, kafka: KafkaConnection, state_dir: Path) -> StreamApp:
    (state_dir / app_id).mkdir(parents=True, exist_ok=True)
    return StreamApp(app_id, kafka, state_dir)


def publisher(app: StreamApp) -> Callable[[str, bytes | None, bytes, Headers], Awaitable[None]]:
    """Sends with the worker's producer (started with the worker, before any consumer)."""

    async def publish(topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        assert app.producer is not None, "the worker's producer starts before its readers"
        await app.producer.send_and_wait(topic, value, key=key, headers=list(headers))

    return publish


def consume(
    app: StreamApp,
    topic: Topic,
    *,
    agent_name: str,
    build: Callable[[], Awaitable[EventConsumer]],
    batch: int = 1,
) -> None:
    """Feed every record of `topic` to the EventConsumer `build` makes (once per worker,
    whatever topics it is given for): one at a time, or up to `batch` at once (committed
    only after the whole poll). `agent_name` names the reading in logs."""
    log.debug("%s reads %s as %s", app.app_id, topic.name, agent_name)
    app.readings.append(_Reading(topic.name, build, batch))


def _delivery(record: ConsumerRecord[bytes, bytes]) -> Delivery:
    return Delivery(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        record=KafkaRecord(record.key, record.value or b"", _headers(record.headers)),
    )


def _headers(headers: Any) -> Headers:
    """aiokafka's (str, bytes | None) pairs as the codec reads them, a null value (Kafka
    allows one) as empty: taken as they come otherwise, since this runs for every header
    of every record."""
    if not headers:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [pair if pair[1] is not None else (pair[0], b"") for pair in items]
