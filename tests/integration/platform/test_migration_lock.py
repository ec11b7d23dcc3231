"""A service killed while migrating must not keep every later start from migrating."""

import asyncio
import time

import asyncpg
import pytest

from traintrack.platform.db.pool import migrate

pytestmark = pytest.mark.integration


async def test_a_lock_left_by_a_killed_migrator_does_not_block_the_next_start(platform):
    database = await platform.fresh_database("migration_lock")
    await asyncio.to_thread(migrate, database, None)
    conn = await asyncpg.connect(database)
    try:  # what yoyo leaves behind when its process dies between lock and unlock
        await conn.execute("INSERT INTO yoyo_lock (locked, ctime, pid) VALUES (1, now(), 999999)")
    finally:
        await conn.close()

    started = time.monotonic()
    await asyncio.to_thread(migrate, database, None)

    assert time.monotonic() - started < 5  # yoyo alone waits 10 s, then refuses
