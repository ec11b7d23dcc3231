"""Announcing on matching.events.v1: through the outbox, in the caller's transaction."""

from __future__ import annotations

import asyncpg

from traintrack.contracts.base import EventData
from traintrack.platform.messaging.outbox import add_event, add_events

SOURCE = "/traintrack/matching"


async def announce(conn: asyncpg.Connection, *events: EventData) -> None:
    if len(events) == 1:
        await add_event(conn, events[0], source=SOURCE)
    else:
        await add_events(conn, list(events), source=SOURCE)
