"""What faust itself costs per consumed event in a batched agent (`streams.consume`), the
EventConsumer left out: COUNT attendance-recorded records are produced to a topic of their
own, then a worker whose consumer only counts reads them from the start (a backlog, as in
a replay or a bench burst); its process CPU from the first batch to the last, per event,
fetcher thread included. The topic is deleted afterwards.

    python -m bench.faust_overhead BOOTSTRAP [--count 30000] [--within 0.05 0.5] [--batch 500]
    (one JSON line per `within`)
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

from aiokafka import AIOKafkaProducer
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
            os.write(1, (json.dumps(self._report) + "\n").encode())  # faust redirects stdout
            os._exit(0)


def work(bootstrap: str, topic: str, count: int, batch: int, within: float) -> None:
    """The worker, as the services run theirs (`app.main()`), in this process."""
    from traintrack.platform.messaging import streams
    from traintrack.platform.messaging.connection import KafkaConnection

    state = Path("/tmp/traintrack-faust-overhead")
    app = streams.create_stream_app(
        f"faust-overhead-{uuid.uuid4().hex[:8]}",
        kafka=KafkaConnection.plaintext(bootstrap),
        state_dir=state,
    )
    counting = Counting(count, {"within": within, "batch": batch, "events": count})

    async def build() -> Counting:
        return counting

    streams.consume(
        app,
        SimpleNamespace(name=topic),  # type: ignore[arg-type]
        agent_name="count",
        build=build,  # type: ignore[arg-type]
        batch=batch,
        within=within,
    )
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn", "--without-web"]
    app.main()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bootstrap")
    parser.add_argument("--count", type=int, default=30000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--within", type=float, nargs="+", default=[0.05, 0.5])
    parser.add_argument("--topic", help=argparse.SUPPRESS)  # set for the worker process
    args = parser.parse_args()
    if args.topic:
        work(args.bootstrap, args.topic, args.count, args.batch, args.within[0])
        return
    topic = f"c.faust-overhead-{uuid.uuid4().hex[:8]}"
    asyncio.run(fill(args.bootstrap, topic, args.count))
    try:
        for within in args.within:
            command = [sys.executable, "-m", "bench.faust_overhead", args.bootstrap]
            command += ["--topic", topic]
            command += ["--count", str(args.count), "--batch", str(args.batch)]
            command += ["--within", str(within)]
            subprocess.run(command, check=True, timeout=600, cwd=ROOT, stderr=subprocess.DEVNULL)
    finally:
        asyncio.run(drop(args.bootstrap, topic))


if __name__ == "__main__":
    main()
