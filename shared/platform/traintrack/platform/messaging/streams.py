"""faust-streaming glue: one app per service worker, agents that hand raw records to an
EventConsumer. Agents stay thin: decode and dispatch live in `consumer.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import faust
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError

from traintrack.contracts.codec import Headers, KafkaRecord
from traintrack.contracts.topics import MAX_MESSAGE_BYTES, PRODUCER, Topic
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.telemetry import LOG_FORMAT, TraceIdsFilter

log = logging.getLogger(__name__)
HEARTBEAT = "heartbeat"  # touched in <state dir>/<consumer name>/ every HEARTBEAT_SECONDS
HEARTBEAT_SECONDS = 10.0


async def wait_for_kafka(kafka: KafkaConnection, *, seconds: float = 300) -> None:
    """Until a broker answers for its metadata (or `seconds` pass: then faust reports it)."""
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


def create_stream_app(app_id: str, *, kafka: KafkaConnection, state_dir: Path) -> faust.App:
    (state_dir / app_id).mkdir(parents=True, exist_ok=True)
    app = faust.App(
        app_id,
        broker=kafka.faust_broker(),
        broker_credentials=kafka.faust_broker_credentials(),
        key_serializer="raw",
        value_serializer="raw",
        store="memory://",
        datadir=str(state_dir / app_id),
        web_enabled=False,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,  # = PRODUCER.acks ("all"), faust's spelling
        producer_linger=PRODUCER.linger_ms / 1000,
        producer_max_batch_size=PRODUCER.batch_bytes,
        producer_request_timeout=PRODUCER.request_timeout_ms / 1000,
        # The platform's one size limit (faust's own default producer cap is 1,000,000).
        producer_max_request_size=PRODUCER.max_request_bytes,
        consumer_max_fetch_size=MAX_MESSAGE_BYTES,
        topic_disable_leader=True,
        broker_commit_interval=1.0,
        # A replica killed outright leaves the group after 10 s, not faust's 60: the others
        # take its partitions over within seconds (aiokafka, under faust, rebalances eagerly
        # only; no cooperative protocol to choose).
        broker_session_timeout=10.0,
        broker_heartbeat_interval=3.0,
        logging_config={
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"default": {"format": LOG_FORMAT}},
            "filters": {"trace_ids": {"()": TraceIdsFilter}},
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "default",
                    "filters": ["trace_ids"],
                }
            },
            "root": {"handlers": ["console"], "level": "INFO"},
        },
    )
    # No faust tracing sensor: EventConsumer starts each message's span itself, in the
    # trace its headers carry (the sensor's extra span per event cost ~8 % of a worker).
    heartbeat = state_dir / app_id / HEARTBEAT

    @app.timer(interval=HEARTBEAT_SECONDS)  # type: ignore[untyped-decorator]
    async def beat() -> None:
        """A container healthcheck's sign that the worker's event loop turns."""
        heartbeat.touch()

    return app


def publisher(app: faust.App) -> Callable[[str, bytes | None, bytes, Headers], Awaitable[None]]:
    async def publish(topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        await app.producer.send_and_wait(topic, key, value, None, None, headers)

    return publish


def once(build: Callable[[], Awaitable[EventConsumer]]) -> Callable[[], Awaitable[EventConsumer]]:
    """`build`, run the first time only: agents of several topics then share one consumer
    (one pool, one inbox name)."""
    lock = asyncio.Lock()
    built: list[EventConsumer] = []

    async def shared() -> EventConsumer:
        async with lock:
            if not built:
                built.append(await build())
        return built[0]

    return shared


def consume(
    app: faust.App,
    topic: Topic,
    *,
    agent_name: str,
    build: Callable[[], Awaitable[EventConsumer]],
    batch: int = 1,
    within: float = 0.05,
) -> None:
    """Register an agent that feeds every record of `topic` to the EventConsumer `build`
    makes: one at a time, or up to `batch` at once, or what came within `within` seconds
    (acked only after the whole batch)."""
    source = app.topic(topic.name, key_serializer="raw", value_serializer="raw", allow_empty=True)
    consumer = once(build)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        handler = await consumer()
        if batch > 1:
            async for events in stream.take_events(batch, within=within):  # type: ignore[attr-defined]
                await handler.process_batch([_delivery(e) for e in events])
        else:
            async for event in stream.events():
                await handler.process(_delivery(event))

    agent.__name__ = agent_name
    app.agent(source, name=agent_name)(agent)


def _delivery(event: faust.EventT[bytes]) -> Delivery:
    message = event.message
    return Delivery(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        record=KafkaRecord(message.key, message.value or b"", _headers(message.headers)),
    )


def _headers(headers: Any) -> Headers:
    """aiokafka's (str, bytes | None) pairs as the codec reads them, a null value (Kafka
    allows one) as empty: taken as they come otherwise, since this runs for every header
    of every record."""
    if not headers:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [pair if pair[1] is not None else (pair[0], b"") for pair in items]
