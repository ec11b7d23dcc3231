"""Idempotent consumer: remember (consumer, event id) in the same transaction as the effect."""

from __future__ import annotations

from traintrack.platform.db import Connection


async def claim(
    conn: Connection,
    *,
    consumer: str,
    event_id: str,
    event_type: str,
    topic: str,
    partition: int,
    offset: int,
) -> bool:
    """True the first time this consumer sees the event; False for a redelivery."""
    row = await conn.fetchval(
        """INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,
                              kafka_offset)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (consumer, event_id) DO NOTHING
           RETURNING 1""",
        consumer,
        event_id,
        event_type,
        topic,
        partition,
        offset,
    )
    return row is not None


async def claim_many(
    conn: Connection, *, consumer: str, events: list[tuple[str, str, str, int, int]]
) -> set[str]:
    """Claim (event id, type, topic, partition, offset) rows at once; the ids seen first now."""
    ids, types, topics, partitions, offsets = (list(column) for column in zip(*events, strict=True))
    rows = await conn.fetch(
        """INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,
                              kafka_offset)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])
           ON CONFLICT (consumer, event_id) DO NOTHING
           RETURNING event_id""",
        consumer,
        ids,
        types,
        topics,
        partitions,
        offsets,
    )
    return {r["event_id"] for r in rows}


async def release(conn: Connection, *, consumer: str, event_ids: list[str]) -> None:
    """Forget claims whose events were refused, so that a replay after a fix applies them."""
    await conn.execute(
        "DELETE FROM inbox WHERE consumer = $1 AND event_id = ANY($2)", consumer, event_ids
    )
