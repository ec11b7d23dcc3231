"""What the worker runtime itself costs per consumed event (`streams.consume`, batched),
the EventConsumer left out, beside its floor: aiokafka's `getmany` on the same records,
committing after each poll. COUNT attendance-recorded records are produced to a topic of
their own, then each reader counts them from the start (a backlog, as in a replay or a
bench burst) in a process of its own; its CPU from the first batch to the last, per
event, fetcher included. The topic is deleted afterwards. (Until Step 12 the workers ran
on faust-streaming: 107.5 µs per event measured so at e5375b6, its per-message drain.)

    python -m bench.reader_overhead BOOTSTRAP [--count 30000] [--batch 500]
    (one JSON line per reader)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.consumer_micro import attendance_recorded

ROOT = Path(__file__).resolve().parents[1]


async def fill(bootstrap: str, topic: str, count: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=6, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20)
    await producer.start()
    try:
        for record in attendance_recorded(count):
            await producer.send(topic, record.value, key=record.key, headers=record.headers)
        await producer.flush()
    finally:
        await producer.stop()


async def drop(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([topic])
    finally:
        await admin.close()


class Counting:
    """An EventConsumer that only counts, and reports once it has seen `count` events."""

    def __init__(self, count: int, report: dict[str, object]) -> None:
        self._count, self._report = count, report
        self._seen = self._batches = 0
        self._start = (0.0, 0.0)

    async def process_batch(self, deliveries: list[object]) -> None:
        if not self._seen:
            self._start = (time.process_time(), time.perf_counter())
        self._seen += len(deliveries)
        self._batches += 1
        if self._seen >= self._count:
            cpu, wall = time.process_time() - self._start[0], time.perf_counter() - self._start[1]
            self._report |= {"cpu_us_per_event": round(cpu / self._seen * 1e6, 1)}
            self._report |= {"wall_s": round(wall, 2), "batches": self._batches}
            print(json.dumps(self._report), flush=True)
            os._exit(0)


def work(bootstrap: str, topic: str, count: int, batch: int) -> None:
    """The worker, as the services run theirs (`StreamApp.main`), in this process."""
    from traintrack.platform.messaging import streams
    from traintrack.platform.messaging.connection import KafkaConnection

    app = streams.create_stream_app(
        f"reader-overhead-{uuid.uuid4().hex[:8]}",
        kafka=KafkaConnection.plaintext(bootstrap),
        state_dir=Path("/tmp/traintrack-reader-overhead"),
    )
    counting = Counting(count, {"reader": "worker", "batch": batch, "events": count})

    async def build() -> Counting:
        return counting

    streams.consume(
        app,
        SimpleNamespace(name=topic),  # type: ignore[arg-type]
        agent_name="count",
        build=build,  # type: ignore[arg-type]
        batch=batch,
    )
    app.main()


def floor(bootstrap: str, topic: str, count: int, batch: int) -> None:
    """aiokafka alone: poll, look at each record, commit."""

    async def read() -> None:
        counting = Counting(count, {"reader": "getmany", "batch": batch, "events": count})
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"reader-floor-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        while True:
            polled = await consumer.getmany(timeout_ms=500, max_records=batch)
            if polled:
                got = [(r.key, r.value, r.headers) for rs in polled.values() for r in rs]
                await consumer.commit()
                await counting.process_batch(got)

    asyncio.run(read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bootstrap")
    parser.add_argument("--count", type=int, default=30000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--topic", help=argparse.SUPPRESS)  # set for a reader's process
    parser.add_argument("--reader", choices=["worker", "getmany"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.topic:
        (work if args.reader == "worker" else floor)(
            args.bootstrap, args.topic, args.count, args.batch
        )
        return
    topic = f"c.reader-overhead-{uuid.uuid4().hex[:8]}"
    asyncio.run(fill(args.bootstrap, topic, args.count))
    try:
        for reader in ("getmany", "worker"):
            command = [sys.executable, "-m", "bench.reader_overhead", args.bootstrap]
            command += ["--topic", topic, "--reader", reader]
            command += ["--count", str(args.count), "--batch", str(args.batch)]
            subprocess.run(command, check=True, timeout=600, cwd=ROOT, stderr=subprocess.DEVNULL)
    finally:
        asyncio.run(drop(args.bootstrap, topic))


if __name__ == "__main__":
    main()
