"""Bounded outbox and inbox: what may be forgotten, and when.

- An outbox row is kept while unsent, and for `keep_sent` after it was sent (the operator's
  `traintrack-ops outbox` and the journey read recent ones; Kafka keeps the events for
  ever), then deleted.
- An inbox claim is what makes a redelivered event harmless, so it is kept while Kafka may
  still hand the event to its consumer again:
  * redelivery after a crash or a rebalance starts at the group's committed offset: a
    claim at or past it stays;
  * a DLQ replay re-publishes a letter onto its topic, and every reader that applied the
    event then skips it by its claim: claims outlive the DLQ's retention (topics
    DLQ_RETENTION_MS) by a week, the default `keep_claims`;
  * a group whose committed offsets are gone (Kafka drops those of a group idle longer
    than `offsets.retention.minutes`) reads its topics again from the start: nothing is
    pruned for a partition without a committed offset, and the broker must keep offsets
    at least as long as `keep_claims` (the dev stack does; set it on a managed cluster,
    or set `<SERVICE>_INBOX_KEEP_DAYS=0`, which never prunes).
  A projection rebuilt from the topics (outcomes replay) fills a fresh database, inbox and
  all, so it needs no old claim.

Deletes go in batches (one short transaction each) so that pruning never holds locks the
relay or a consumer waits on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from traintrack.contracts.topics import DLQ_RETENTION_MS
from traintrack.platform.db import Connection

KEEP_SENT = timedelta(days=7)
KEEP_CLAIMS = timedelta(milliseconds=DLQ_RETENTION_MS) + timedelta(days=7)
BATCH = 5000
PRUNE_LOCK = 7_300_002  # pg_try_advisory_lock key: one pruner per database at a time
TABLES = ("outbox", "inbox", "idempotency_keys", "audit_log")


async def prune_outbox(
    pool: asyncpg.Pool, *, sent_before: datetime, batch: int = BATCH, pause: float = 0.05
) -> int:
    """Delete rows sent before `sent_before`, `batch` at a time; how many went."""
    return await _in_batches(
        pool,
        """DELETE FROM outbox WHERE id IN (
               SELECT id FROM outbox WHERE sent_at < $1 ORDER BY id LIMIT $2)""",
        (sent_before,),
        batch,
        pause,
    )


async def prune_inbox(
    pool: asyncpg.Pool,
    *,
    consumer: str,
    committed: Mapping[tuple[str, int], int],
    claimed_before: datetime,
    batch: int = BATCH,
    pause: float = 0.05,
) -> int:
    """Delete `consumer`'s claims made before `claimed_before` on a (topic, partition) whose
    committed offset is past them; partitions absent from `committed` keep every claim."""
    if not committed:
        return 0
    topics, partitions, offsets = zip(
        *((topic, partition, offset) for (topic, partition), offset in committed.items()),
        strict=True,
    )
    return await _in_batches(
        pool,
        """DELETE FROM inbox WHERE (consumer, event_id) IN (
               SELECT i.consumer, i.event_id
               FROM inbox i
               JOIN unnest($2::text[], $3::int[], $4::bigint[]) AS c (topic, part, next)
                 ON i.topic = c.topic AND i.kafka_partition = c.part
               WHERE i.consumer = $1 AND i.processed_at < $5 AND i.kafka_offset < c.next
               LIMIT $6)""",
        (consumer, list(topics), list(partitions), list(offsets), claimed_before),
        batch,
        pause,
    )


async def _in_batches(
    pool: asyncpg.Pool, sql: str, args: tuple[object, ...], batch: int, pause: float
) -> int:
    gone = 0
    while True:
        status = await pool.execute(sql, *args, batch)
        deleted = int(status.split()[-1])
        gone += deleted
        if deleted < batch:
            return gone
        await asyncio.sleep(pause)  # let the relay and the consumers in between batches


@dataclass(frozen=True)
class TableSize:
    table: str
    rows: int  # the planner's estimate: counting a large table would cost what we measure
    bytes: int  # with its indexes and TOAST


async def table_sizes(conn: asyncpg.Pool | Connection) -> list[TableSize]:
    rows = await conn.fetch(
        """SELECT c.relname AS table, greatest(c.reltuples, 0)::bigint AS rows,
                  pg_total_relation_size(c.oid) AS bytes
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relname = ANY($1) AND c.relkind = 'r'
           ORDER BY c.relname""",
        list(TABLES),
    )
    return [TableSize(r["table"], int(r["rows"]), int(r["bytes"])) for r in rows]
