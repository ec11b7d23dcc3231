"""SQL for certification schemes: published versions and the version each programme's
new cohorts are pinned to."""

from __future__ import annotations

from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME, Scheme
from traintrack.evaluation.domain.schemes_io import scheme_from_data, scheme_to_data
from traintrack.platform.db import Connection


class SchemeRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, scheme: Scheme, *, by: str) -> None:
        await self._conn.execute(
            "INSERT INTO schemes (scheme_id, version, definition, published_by) "
            "VALUES ($1, $2, $3, $4)",
            scheme.scheme_id,
            scheme.version,
            scheme_to_data(scheme),
            by,
        )

    async def ship_default(self) -> None:
        """The scheme traintrack ships, published once."""
        await self._conn.execute(
            "INSERT INTO schemes (scheme_id, version, definition, published_by) "
            "VALUES ($1, $2, $3, 'traintrack') ON CONFLICT DO NOTHING",
            DEFAULT_SCHEME.scheme_id,
            DEFAULT_SCHEME.version,
            scheme_to_data(DEFAULT_SCHEME),
        )

    async def next_version(self, scheme_id: str) -> int:
        """The scheme's next version number; publications of one scheme take turns (the
        lock is held to the end of the transaction)."""
        await self._conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", scheme_id)
        current = await self._conn.fetchval(
            "SELECT max(version) FROM schemes WHERE scheme_id = $1", scheme_id
        )
        return int(current or 0) + 1

    async def get(self, scheme_id: str, version: int | None = None) -> Scheme | None:
        """The version asked for, or the latest."""
        row = await self._conn.fetchrow(
            "SELECT definition FROM schemes WHERE scheme_id = $1 AND ($2::int IS NULL OR "
            "version = $2) ORDER BY version DESC LIMIT 1",
            scheme_id,
            version,
        )
        return scheme_from_data(row["definition"]) if row else None

    async def assign(self, programme_id: str, scheme: Scheme) -> None:
        await self._conn.execute(
            """INSERT INTO programme_schemes (programme_id, scheme_id, version)
               VALUES ($1, $2, $3) ON CONFLICT (programme_id) DO UPDATE
               SET scheme_id = excluded.scheme_id, version = excluded.version""",
            programme_id,
            scheme.scheme_id,
            scheme.version,
        )

    async def assigned(self, programme_id: str) -> Scheme | None:
        """The version assigned to the programme, if any is."""
        row = await self._conn.fetchrow(
            "SELECT scheme_id, version FROM programme_schemes WHERE programme_id = $1",
            programme_id,
        )
        if row is None:
            return None
        scheme = await self.get(row["scheme_id"], row["version"])
        assert scheme is not None  # foreign key
        return scheme
