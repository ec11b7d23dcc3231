"""Connection pools and schema migrations (yoyo, from versioned SQL files)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from psycopg import OperationalError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential_jitter,
)
from yoyo import get_backend, read_migrations

from traintrack.platform.polling import untraced

log = logging.getLogger(__name__)
SHARED_MIGRATIONS = Path(__file__).parent / "migrations"
WAIT_FOR_DATABASE = 120.0  # seconds
MIGRATION_LOCK = 7_216_001  # pg_advisory_lock key, any constant of our own


def migrate(database_url: str, service_migrations: Path | None) -> None:
    """Apply the shared and the service's pending migrations, under yoyo's lock."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    backend = get_backend(url)
    try:
        sources = [SHARED_MIGRATIONS, *([service_migrations] if service_migrations else [])]
        migrations = read_migrations(*map(str, sources))
        # yoyo's own lock is a row: a process killed while migrating leaves it behind and
        # every restart then times out on it. A session advisory lock dies with its
        # connection; whoever holds it is the only migrator, so a lock row is stale.
        backend.connection.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        backend.connection.commit()
        backend.break_lock()
        with backend.lock():
            backend.apply_migrations(backend.to_apply(migrations))
    finally:
        backend.connection.close()


class PooledConnection(asyncpg.Connection):
    """A pool's connection, reset on its way back (asyncpg runs `SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` then) unless its borrower
    vouched that it left no session state: a round trip and a quarter of the database's
    work for each request whose unit of work was nothing but a transaction."""

    _clean = False

    def left_no_session_state(self) -> None:
        """What ran since it was lent was one transaction, with no session-level effect
        (no SET without LOCAL, session advisory lock, LISTEN or held cursor): skip the
        reset query once. An open transaction is still rolled back, listeners removed."""
        self._clean = True

    def get_reset_query(self) -> str:
        clean, self._clean = self._clean, False
        return "" if clean else super().get_reset_query()


def vouch_no_session_state(conn: asyncpg.Connection | PoolConnectionProxy) -> None:
    """`PooledConnection.left_no_session_state`, on a connection of a pool made here (one
    of another pool is reset as asyncpg does)."""
    # asyncpg's proxy holds the connection it lends as `_con` (its stubs leave it out).
    lent = conn._con if isinstance(conn, PoolConnectionProxy) else conn  # type: ignore[attr-defined]
    if isinstance(lent, PooledConnection):
        lent.left_no_session_state()


async def _init_connection(conn: asyncpg.Connection) -> None:
    # Untraced: the pool replaces connections idle for 5 minutes, in whatever runs then (a
    # request, an idle poll); their set-up is part of no one's work.
    with untraced():
        await conn.set_type_codec(
            "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def create_pool(
    database_url: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    migrate_first: bool = True,
    migrations: Path | None = None,
) -> asyncpg.Pool:
    """A pool on `database_url`, migrated first (shared tables plus `migrations`)."""
    # A service started while its database restarts waits for it rather than exiting.
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type((OSError, asyncpg.CannotConnectNowError, OperationalError)),
        wait=wait_exponential_jitter(multiplier=0.5, max=5),
        stop=stop_after_delay(WAIT_FOR_DATABASE),
        before_sleep=lambda state: log.warning("database not there yet: %s", state.outcome),
        reraise=True,
    ):
        with attempt:
            if migrate_first:
                await asyncio.to_thread(migrate, database_url, migrations)
            pool = await asyncpg.create_pool(
                database_url,
                min_size=min_size,
                max_size=max_size,
                init=_init_connection,
                connection_class=PooledConnection,
            )
    assert pool is not None
    return pool
