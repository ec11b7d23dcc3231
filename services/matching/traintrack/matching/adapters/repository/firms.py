"""Partner firms and what they publish: openings and subscriptions."""

from __future__ import annotations

from typing import Any

from traintrack.matching.adapters.mapping import Row, as_subscription
from traintrack.matching.domain.candidates import Subscription
from traintrack.platform.db import Connection

_OPENING = """SELECT o.*,
                  (SELECT count(*) FROM offers f WHERE f.opening_id = o.opening_id
                     AND f.status = 'pending')::int AS pending,
                  (SELECT count(*) FROM offers f WHERE f.opening_id = o.opening_id
                     AND f.status = 'accepted')::int AS accepted
              FROM openings o"""


class FirmRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add_firm(self, firm_id: str, name: str, region_code: str) -> bool:
        done = await self._conn.fetchval(
            """INSERT INTO firms (firm_id, name, region_code) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING 1""",
            firm_id,
            name,
            region_code,
        )
        return done is not None

    async def get_firm(self, firm_id: str) -> Row | None:
        row: Row | None = await self._conn.fetchrow(
            "SELECT firm_id, name, region_code, created_at FROM firms WHERE firm_id = $1", firm_id
        )
        return row

    async def list_firms(self) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            "SELECT firm_id, name, region_code, created_at FROM firms ORDER BY firm_id"
        )
        return rows

    async def add_opening(self, **opening: Any) -> bool:
        done = await self._conn.fetchval(
            """INSERT INTO openings (opening_id, firm_id, title, skills, region_code, seats,
                                     minimum_stage, starts_on, ends_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING 1""",
            opening["opening_id"],
            opening["firm_id"],
            opening["title"],
            opening["skills"],
            opening["region_code"],
            opening["seats"],
            opening["minimum_stage"],
            opening["starts_on"],
            opening["ends_on"],
        )
        return done is not None

    async def get_opening(self, opening_id: str, *, lock: bool = False) -> Row | None:
        if lock:  # seats are counted under the opening's lock
            await self._conn.execute(
                "SELECT 1 FROM openings WHERE opening_id = $1 FOR UPDATE", opening_id
            )
        row: Row | None = await self._conn.fetchrow(
            f"{_OPENING} WHERE o.opening_id = $1", opening_id
        )
        return row

    async def lock_openings(self, opening_ids: list[str]) -> list[Row]:
        """The openings, locked (seats are counted under their locks), with seats in use."""
        await self._conn.execute(
            "SELECT 1 FROM openings WHERE opening_id = ANY($1::text[])"
            " ORDER BY opening_id FOR UPDATE",
            opening_ids,
        )
        rows: list[Row] = await self._conn.fetch(
            f"{_OPENING} WHERE o.opening_id = ANY($1::text[])", opening_ids
        )
        return rows

    async def list_openings(self, *, firm_id: str | None, only_open: bool) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            f"""{_OPENING} WHERE ($1::text IS NULL OR o.firm_id = $1)
                              AND (NOT $2 OR o.status = 'open')
                ORDER BY o.opening_id""",
            firm_id,
            only_open,
        )
        return rows

    async def add_subscription(self, s: Subscription) -> bool:
        done = await self._conn.fetchval(
            """INSERT INTO subscriptions (subscription_id, firm_id, minimum_stage, skills, fields,
                                          region_codes)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1""",
            s.subscription_id,
            s.firm_id,
            s.minimum_stage,
            sorted(s.skills),
            sorted(s.fields),
            sorted(s.region_codes),
        )
        return done is not None

    async def subscriptions(self, *, firm_id: str | None = None) -> list[Subscription]:
        rows = await self._conn.fetch(
            """SELECT * FROM subscriptions WHERE active AND ($1::text IS NULL OR firm_id = $1)
               ORDER BY subscription_id""",
            firm_id,
        )
        return [as_subscription(r) for r in rows]

    async def get_subscription(self, subscription_id: str) -> Subscription | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM subscriptions WHERE subscription_id = $1 AND active", subscription_id
        )
        return as_subscription(row) if row else None

    async def cancel_subscription(self, subscription_id: str) -> None:
        await self._conn.execute(
            "UPDATE subscriptions SET active = false WHERE subscription_id = $1", subscription_id
        )
