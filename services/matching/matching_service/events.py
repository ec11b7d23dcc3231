"""Announcing on matching.events.v1: through the outbox, in the caller's transaction."""

from __future__ import annotations

import asyncpg

from traintrack_shared.contracts.base import EventData
from traintrack_shared.outbox import add_event, add_events

SOURCE = "/traintrack/matching"


async def announce(conn: asyncpg.Connection, *events: EventData) -> None:
    if len(events) == 1:
        await add_event(conn, events[0], source=SOURCE)
    else:
        await add_events(conn, list(events), source=SOURCE)
