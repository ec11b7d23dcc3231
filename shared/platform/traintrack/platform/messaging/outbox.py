"""Transactional outbox: events are written with the state change, then relayed to Kafka.

`add_event` runs inside the caller's transaction. `OutboxRelay` publishes unsent rows in
id order with an idempotent producer (acks=all) and marks them sent; one relay per
database holds an advisory lock, so per-key order survives several replicas.

The relay's own queries are untraced: each row's publication is a span in the trace of
the request that wrote it (one trace per cause), and its polls are counted
(`polling.Polls`, loop "outbox-relay"), busy or idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from traintrack.contracts import EventData, codec
from traintrack.contracts.topics import MAX_MESSAGE_BYTES, PRODUCER
from traintrack.platform.db import Connection
from traintrack.platform.errors import TooLarge
from traintrack.platform.messaging import admin
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.partitioners import producer_partitioner
from traintrack.platform.polling import Polls, untraced
from traintrack.platform.telemetry import context_from, current_carrier, unsampled

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

NOTIFY_CHANNEL = "outbox"
RELAY_LOCK = 7_300_001  # pg_advisory_lock key: one publishing relay per database
RELAY_APPLICATION = "traintrack-outbox-relay"
RELAY_LOOP = "outbox-relay"  # its polls on /metrics
# What an event's key, CloudEvents and trace headers and framing may take beside its data
# (a full W3C tracestate alone is 512 bytes): generous, so the estimate is an upper bound.
ENVELOPE_BYTES = 4096


async def add_event(conn: Connection, data: EventData, *, source: str) -> str:
    """Queue `data` for publication in the caller's transaction; returns the event id."""
    [event_id] = await add_events(conn, [data], source=source)
    return event_id


async def add_events(
    conn: Connection,
    events: Sequence[EventData],
    *,
    source: str,
    event_ids: Sequence[str] | None = None,
) -> list[str]:
    """`add_event` for many events at once (bulk imports): one round trip, one wake-up.
    `event_ids` gives the events ids of the caller's (an import kept idempotent by them)."""
    if not events:
        return []
    carrier = current_carrier()
    ids = list(event_ids) if event_ids is not None else [str(uuid.uuid4()) for _ in events]
    rows = [
        (event_id, e.topic.name, e.partition_key(), e.type, e.subject(), _publishable(e))
        for event_id, e in zip(ids, events, strict=True)
    ]
    # One statement over arrays, in the events' order (a round's thousands of offers): far
    # cheaper than a statement per row; the data goes as the JSON text already measured.
    # The relay's wake-up rides along (delivered at commit): no round trip of its own.
    await conn.execute(
        """WITH added AS (
             INSERT INTO outbox (event_id, topic, partition_key, event_type, source, subject,
                                 event_time, data, traceparent, tracestate)
             SELECT u.event_id::uuid, u.topic, u.partition_key, u.event_type, $7, u.subject,
                    now(), u.data::jsonb, $8, $9
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::text[])
                  WITH ORDINALITY AS u (event_id, topic, partition_key, event_type, subject,
                                        data, n)
             ORDER BY u.n)
           SELECT pg_notify($10, '')""",
        *(list(column) for column in zip(*rows, strict=True)),
        source,
        carrier.get("traceparent"),
        carrier.get("tracestate"),
        NOTIFY_CHANNEL,
    )
    return ids


def _publishable(event: EventData) -> str:
    """The event's data as JSON text, refused (in the caller's transaction) if its record
    could exceed what a topic takes: the relay could never publish it, and every row after
    it would wait. The text is the data as the codec writes it (`json.dumps`)."""
    payload = json.dumps(event.model_dump(mode="json"))
    size = len(payload.encode()) + ENVELOPE_BYTES
    if size > MAX_MESSAGE_BYTES:
        raise TooLarge(
            f"{event.type} would take up to {size} bytes on Kafka; "
            f"a record takes at most {MAX_MESSAGE_BYTES}"
        )
    return payload


def new_producer(kafka: KafkaConnection, **overrides: Any) -> AIOKafkaProducer:
    """The platform's producer settings (topics.PRODUCER): idempotent, acks=all, ordered
    per partition."""
    settings: dict[str, Any] = {
        **kafka.aiokafka(),
        "enable_idempotence": PRODUCER.idempotent,
        "acks": PRODUCER.acks,
        "linger_ms": PRODUCER.linger_ms,
        "max_batch_size": PRODUCER.batch_bytes,
        "max_request_size": PRODUCER.max_request_bytes,
        "compression_type": None,
        "request_timeout_ms": PRODUCER.request_timeout_ms,
        "partitioner": producer_partitioner,
    }
    return AIOKafkaProducer(**{**settings, **overrides})


class OutboxRelay:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        kafka: KafkaConnection,
        topics: Sequence[str] = (),
        batch_size: int = 500,
        idle_poll_seconds: float = 1.0,
        gather_seconds: float = 0.02,
        refused_retry_seconds: float = 30.0,
        polls: Polls | None = None,
    ) -> None:
        """`topics`: those checked before the first publication (the service's own);
        `gather_seconds`: how long a wake-up waits for more rows to join its round;
        `polls`: where its polls are counted (the app's metrics)."""
        self._pool = pool
        self._kafka = kafka
        self._topics = list(topics)
        self._producer = new_producer(kafka)
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._gather = gather_seconds
        self._refused_retry = refused_retry_seconds
        self._polls = polls or Polls()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Returns at once: the API takes requests (into the outbox) while Kafka is away;
        the relay connects when it can and publishes what waited."""
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._producer.stop()

    async def kafka_reachable(self) -> bool:
        try:
            await asyncio.wait_for(self._producer.client.fetch_all_metadata(), 2.0)
        except Exception:
            return False
        return True

    async def _connect(self) -> None:
        backoff = 0.5
        while True:
            try:
                await self._producer.start()
                break
            except Exception as error:  # KafkaConnectionError, mostly
                log.warning("outbox relay: Kafka not reachable (%s); retrying", error)
                await self._producer.stop()
                self._producer = new_producer(self._kafka)  # a stopped one stays closed
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
        await self._refuse_unsafe_topics()

    async def _refuse_unsafe_topics(self) -> None:
        """Publish nothing onto topics that could lose what they acknowledge (fewer replicas
        than declared) or that are missing (a broker would make them with its defaults);
        the API keeps taking writes into the outbox meanwhile."""
        while True:
            try:
                await asyncio.to_thread(admin.verify_topics, self._kafka, self._topics)
                return
            except admin.TopicsRefused as refused:
                log.error("outbox relay: not publishing: %s", refused)
            except Exception as error:  # the broker went away between two calls
                log.warning("outbox relay: topics not verified (%s); retrying", error)
            await asyncio.sleep(self._refused_retry)

    async def _run(self) -> None:
        await self._connect()
        backoff = 0.5
        while True:
            try:
                async with self._pool.acquire() as conn:
                    await self._hold_the_relay(conn)
                    try:
                        backoff = 0.5
                        await self._publish_forever()
                    finally:
                        with untraced():
                            await conn.remove_listener(NOTIFY_CHANNEL, self._notified)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._polls.record(RELAY_LOOP, "failed")
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)

    async def _hold_the_relay(self, conn: Connection) -> None:
        """Take the relay lock on `conn` and listen there for new rows (untraced: the
        standby's wait for the lock would be a span as long as the holder lives)."""
        with untraced():
            # The standby waits here until the holder's session ends (its process died:
            # PostgreSQL releases the lock with the connection).
            await conn.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK)
            # Who publishes is visible in pg_stat_activity (ops, chaos runs).
            await conn.execute("SELECT set_config('application_name', $1, false)", holder_name())
            log.info("outbox relay: publishing (this process holds the relay lock)")
            await conn.add_listener(NOTIFY_CHANNEL, self._notified)

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _publish_forever(self) -> None:
        while True:
            self._wake.clear()
            sent = await self.publish_pending()
            self._polls.record(RELAY_LOOP, "busy" if sent else "idle")
            if sent < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._idle_poll)
                    # Requests commit one row at a time: a round per row (a query, a
                    # produce request, an update) cost a write request more than its own
                    # transaction. Those that commit meanwhile join this round.
                    await asyncio.sleep(self._gather)

    async def publish_pending(self) -> int:
        """Publish up to a batch of unsent rows, each in its request's trace; how many."""
        with untraced():
            rows = await self._pool.fetch(
                """SELECT id, event_id, topic, partition_key, event_type, source, subject,
                          event_time, data::text AS data, traceparent, tracestate
                   FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1""",
                self._batch_size,
            )
        if not rows:
            return 0
        await asyncio.gather(*[await self._send(row) for row in rows])
        with untraced():
            await self._pool.execute(
                """UPDATE outbox o SET sent_at = now()
                   FROM unnest($1::bigint[]) AS sent (id) WHERE o.id = sent.id""",
                [row["id"] for row in rows],
            )
        return len(rows)

    async def _send(self, row: asyncpg.Record) -> asyncio.Future[Any]:
        """Enqueue one row under a producer span that continues the request's trace; a row
        of a trace that is not sampled passes its trace context on as it is (a span there
        would record nothing, and most rows are such)."""
        if unsampled(row["traceparent"]):
            carrier = {"traceparent": row["traceparent"], "tracestate": row["tracestate"]}
            return await self._enqueue(row, {k: v for k, v in carrier.items() if v})
        parent = context_from(row["traceparent"], row["tracestate"])
        with tracer.start_as_current_span(
            f"{row['topic']} publish",
            context=parent,
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": row["topic"],
                "messaging.operation.type": "send",
                "messaging.message.id": str(row["event_id"]),
                "cloudevents.event_type": row["event_type"],
                "traintrack.partition_key": row["partition_key"],
            },
        ):
            trace_headers: dict[str, str] = {}
            propagate.inject(trace_headers)
            return await self._enqueue(row, trace_headers)

    async def _enqueue(self, row: asyncpg.Record, trace: dict[str, str]) -> asyncio.Future[Any]:
        # The stored JSON goes out as it is: decoding it to encode it again was a fifth
        # of the relay's time.
        event = codec.make_cloudevent(
            event_type=row["event_type"],
            source=row["source"],
            subject=row["subject"],
            key=row["partition_key"],
            data=row["data"].encode(),
            event_id=str(row["event_id"]),
            time=row["event_time"],
        )
        record = codec.encode(event, _as_headers(trace))
        future: asyncio.Future[Any] = await self._producer.send(
            row["topic"], record.value, key=record.key, headers=record.headers
        )
        return future


def holder_name() -> str:
    """The application_name of the relay lock's session: its host and process."""
    return f"{RELAY_APPLICATION} {socket.gethostname()} {os.getpid()}"[:63]


async def relay_holder(conn: asyncpg.Pool | Connection) -> str | None:
    """The application_name of the session holding this database's relay lock, if any."""
    holder: str | None = await conn.fetchval(
        """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
        RELAY_LOCK,
    )
    return holder


def _as_headers(values: dict[str, str]) -> Sequence[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in values.items()]


async def backlog(conn: asyncpg.Pool | Connection) -> tuple[int, float]:
    """Unsent rows and the age in seconds of the oldest one."""
    row = await conn.fetchrow(
        """SELECT count(*) AS n,
                  coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age
           FROM outbox WHERE sent_at IS NULL"""
    )
    assert row is not None
    return int(row["n"]), float(row["age"])
