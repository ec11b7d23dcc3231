"""Idempotent consumer: remember (consumer, event id) in the same transaction as the effect."""

from __future__ import annotations

import asyncpg


async def claim(
    conn: asyncpg.Connection,
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
