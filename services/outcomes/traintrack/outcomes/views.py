"""The read side: what the GET routes answer, from the store as known on a date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from traintrack.outcomes.domain import tables
from traintrack.outcomes.domain.definitions import DEFINITIONS
from traintrack.outcomes.domain.publication import Published, publish, publish_public
from traintrack.outcomes.domain.query import Query, chosen
from traintrack.outcomes.domain.records import Fact, Population, known_on
from traintrack.platform.errors import NotFound

__all__ = ["Query", "Views"]


class Views:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def population(self, q: Query) -> Population:
        return known_on(await self._facts_known(q.cutoff), q.cutoff)

    async def published(self, q: Query) -> Published:
        known = await self.population(q)
        return (
            publish_public(known, q.context) if q.public else publish(known, q.context, chosen(q))
        )

    async def indicators(self, q: Query) -> list[dict[str, Any]]:
        shown = await self.published(q)
        return [
            tables.cell_view(c, q, shown.hidden(c)) for c in shown.cells(q.group_by, *chosen(q))
        ]

    async def lineage(self, q: Query, indicator: str, group: str) -> dict[str, Any]:
        if indicator not in {d.id for d in DEFINITIONS}:
            raise NotFound(f"indicator {indicator}")
        return tables.lineage(await self.population(q), q, indicator, group)

    async def funnel(self, q: Query) -> list[dict[str, Any]]:
        return tables.funnel_rows(await self.published(q), q.group_by)

    async def trainee(self, trainee_id: str) -> dict[str, Any] | None:
        """The trainee view's row of one trainee, with their enrollments; None if unknown."""
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM trainees WHERE trainee_id = $1", trainee_id)
            enrollments = await conn.fetch(
                "SELECT * FROM enrollments WHERE trainee_id = $1 ORDER BY enrolled_on", trainee_id
            )
        if row is None:
            return None
        return {**dict(row), "enrollments": [dict(e) for e in enrollments]}

    async def _facts_known(self, as_of: datetime) -> list[Fact]:
        rows = await self._pool.fetch(
            """SELECT event_id, kind, subject, known_at, data, import_id, imported_by FROM facts
               WHERE known_at <= $1 ORDER BY known_at, event_id""",
            as_of,
        )
        return [
            Fact(
                r["event_id"],
                r["kind"],
                r["subject"],
                r["known_at"],
                r["data"],
                (r["import_id"], r["imported_by"]) if r["import_id"] else None,
            )
            for r in rows
        ]
