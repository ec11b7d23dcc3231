"""A fresh database for a rebuilt store, beside the configured one."""

from __future__ import annotations

import time
import uuid

import asyncpg


async def fresh_database(database_url: str) -> str:
    """A new empty database on the same server as `database_url`."""
    server, _, _ = database_url.rpartition("/")
    name = f"outcomes_rebuilt_{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:4]}"
    conn = await asyncpg.connect(f"{server}/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server}/{name}"
