"""Rebuild the outcomes store from the topics:
`python -m traintrack.outcomes replay [--into URL]`.

Reads every topic the worker follows from offset zero up to the end it finds at the
start, through the worker's own consumer, commands and handlers, into a fresh database (by
default a new one beside the configured store, named on the way out), with a progress bar. Point
`OUTCOMES_DATABASE_URL` at the result to use it. Messages the live worker dead-lettered
are counted here and not dead-lettered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.progress import Progress

from traintrack.contracts.codec import KafkaRecord
from traintrack.outcomes.adapters.databases import fresh_database
from traintrack.outcomes.bootstrap import MIGRATIONS, event_consumer
from traintrack.outcomes.entrypoints.worker import AGENTS
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging import admin
from traintrack.platform.messaging.consumer import Outcome
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.messaging.topic_reader import read_to_end

BATCH = 2000


@dataclass
class Replayed:
    database_url: str
    events: int = 0
    applied: int = 0
    dead: int = 0
    seconds: float = 0.0
    # From the first batch read on: without the consumer's start (joining, finding the
    # topics' ends), a fixed second or two that a small replay would be all about.
    reading_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def reading_rate(self) -> float:
        return self.events / self.reading_seconds if self.reading_seconds else 0.0


async def replay(
    settings: OutcomesSettings,
    into: str,
    *,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
) -> Replayed:
    pool = await create_pool(into, migrations=MIGRATIONS, max_size=4)
    result = Replayed(into)

    async def count_dead(*_: object) -> None:
        result.dead += 1

    handler = event_consumer(pool, name=settings.consumer_name, publish=count_dead)
    started = time.perf_counter()
    first_read: float | None = None
    total = 0

    def count(n: int) -> None:
        nonlocal total
        total = n

    try:
        found = await asyncio.to_thread(admin.partitions, settings.kafka, [t.name for t in AGENTS])
        async for records in read_to_end(settings.kafka, found, max_records=BATCH, on_total=count):
            first_read = first_read or time.perf_counter()
            outcomes = await handler.process_batch(
                [
                    Delivery(
                        r.topic,
                        r.partition,
                        r.offset,
                        KafkaRecord(r.key, r.value or b"", list(r.headers or ())),
                    )
                    for r in records
                ]
            )
            result.events += len(records)
            result.applied += outcomes.count(Outcome.APPLIED)
            on_progress(result.events, total)
    finally:
        result.seconds = time.perf_counter() - started
        result.reading_seconds = time.perf_counter() - first_read if first_read else 0.0
        await pool.close()
    return result


async def _main(into: str | None) -> Replayed:
    settings = OutcomesSettings()
    target = into or await fresh_database(settings.database_url)
    with Progress() as progress:
        task = progress.add_task("replaying the topics into the outcomes store", total=None)
        return await replay(
            settings,
            target,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m traintrack.outcomes replay", description=__doc__
    )
    parser.add_argument("--into", help="an empty database URL (default: a new one)")
    args = parser.parse_args(argv)
    done = asyncio.run(_main(args.into))
    sys.stdout.write(
        f"rebuilt {done.database_url.rpartition('@')[2]}: {done.events} events "
        f"({done.applied} applied, {done.dead} dead-lettered earlier) in {done.seconds:.1f} s, "
        f"{done.rate:,.0f} events/s ({done.reading_rate:,.0f}/s once reading)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
