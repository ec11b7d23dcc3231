"""The honest baseline for the platform's pipeline: the simplest correct consumer of
attendance submissions, one Python process with the platform's Kafka client (aiokafka),
writing the same rows into PostgreSQL in batches, idempotently, as durably.

- Each fetched batch is one transaction: the rows go in with one `INSERT ... SELECT FROM
  unnest(...) ON CONFLICT (enrollment_id, day) DO UPDATE`, so a batch read again after a
  crash changes nothing (PostgreSQL commits synchronously, as the platform's do).
- The offsets are committed to Kafka after the database commit, never before, so nothing
  acknowledged by PostgreSQL is skipped and nothing unwritten is acknowledged.
- What it does not do, and the platform does: verify signatures, check the submission
  against its enrollment, keep an inbox, dead-letter bad records, compute rates, write an
  outbox, trace. The ratio of the platform to this is what those cost.

    python bench/raw_pipeline.py BOOTSTRAP TOPIC DATABASE_URL COUNT
    (prints a JSON line when COUNT rows are stored)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import date
from datetime import time as clock

import asyncpg
from aiokafka import AIOKafkaConsumer

TABLE = """CREATE TABLE IF NOT EXISTS attendance (
    enrollment_id text NOT NULL,
    day           date NOT NULL,
    status        text NOT NULL,
    check_in      time,
    check_out     time,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enrollment_id, day))"""
UPSERT = """INSERT INTO attendance (enrollment_id, day, status, check_in, check_out)
    SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::time[], $5::time[])
    ON CONFLICT (enrollment_id, day) DO UPDATE SET status = excluded.status,
        check_in = excluded.check_in, check_out = excluded.check_out, recorded_at = now()"""


def _time(text: str | None) -> clock | None:
    return clock.fromisoformat(text) if text else None


def latest(values: list[bytes]) -> dict[tuple[str, str], dict[str, str]]:
    """The batch's rows by key, the last record of a key winning."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for value in values:
        row = json.loads(value)
        found[(row["enrollment_id"], row["day"])] = row
    return found


def columns(rows: list[dict[str, str]]) -> tuple[list[object], ...]:
    return (
        [r["enrollment_id"] for r in rows],
        [date.fromisoformat(r["day"]) for r in rows],
        [r["status"] for r in rows],
        [_time(r.get("check_in")) for r in rows],
        [_time(r.get("check_out")) for r in rows],
    )


async def run(bootstrap: str, topic: str, database: str, count: int) -> dict[str, float]:
    conn = await asyncpg.connect(database)
    await conn.execute(TABLE)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"raw-pipeline-{topic}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=1_048_588,
    )
    await consumer.start()
    print(json.dumps({"ready": True}), flush=True)
    stored: set[tuple[str, str]] = set()
    started = 0.0
    try:
        while len(stored) < count:
            batches = await consumer.getmany(timeout_ms=500, max_records=2000)
            values = [r.value for records in batches.values() for r in records if r.value]
            if not values:
                continue
            started = started or time.perf_counter()
            rows = latest(values)
            async with conn.transaction():
                await conn.execute(UPSERT, *columns(list(rows.values())))
            await consumer.commit()
            stored.update(rows)
    finally:
        await consumer.stop()
        await conn.close()
    return {"stored": len(stored), "consume_s": time.perf_counter() - started}


def main() -> int:
    bootstrap, topic, database, count = sys.argv[1:5]
    print(json.dumps(asyncio.run(run(bootstrap, topic, database, int(count)))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
