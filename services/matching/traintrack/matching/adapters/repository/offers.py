"""Offers and internships."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from traintrack.matching.adapters.mapping import Row
from traintrack.platform.db import Connection


class OfferRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add_offer(
        self,
        *,
        offer_id: str,
        opening_id: str,
        firm_id: str,
        trainee_id: str,
        round_id: str | None,
        expires_at: datetime,
    ) -> Row:
        row: Row = await self._conn.fetchrow(
            """INSERT INTO offers (offer_id, opening_id, firm_id, trainee_id, round_id, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""",
            offer_id,
            opening_id,
            firm_id,
            trainee_id,
            round_id,
            expires_at,
        )
        return row

    async def add_offers(self, offers: list[dict[str, Any]]) -> None:
        """Many new offers in one COPY (a round's)."""
        columns = [
            "offer_id", "opening_id", "firm_id", "trainee_id", "round_id", "expires_at", "made_at"
        ]  # fmt: skip
        await self._conn.copy_records_to_table(
            "offers", records=[tuple(o[c] for c in columns) for o in offers], columns=columns
        )

    async def get_offer(self, offer_id: str, *, lock: bool = False) -> Row | None:
        row: Row | None = await self._conn.fetchrow(
            f"SELECT * FROM offers WHERE offer_id = $1{' FOR UPDATE' if lock else ''}", offer_id
        )
        return row

    async def list_offers(
        self,
        *,
        firm_id: str | None = None,
        institute_id: str | None = None,
        status: str | None = None,
    ) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            """SELECT o.* FROM offers o LEFT JOIN candidates c USING (trainee_id)
               WHERE ($1::text IS NULL OR o.firm_id = $1)
                 AND ($2::text IS NULL OR c.institute_id = $2)
                 AND ($3::text IS NULL OR o.status = $3)
               ORDER BY o.made_at, o.offer_id""",
            firm_id,
            institute_id,
            status,
        )
        return rows

    async def set_status(self, offer_id: str, status: str, at: datetime) -> Row:
        row: Row = await self._conn.fetchrow(
            "UPDATE offers SET status = $2, settled_at = $3 WHERE offer_id = $1 RETURNING *",
            offer_id,
            status,
            at,
        )
        return row

    async def holds_seat(self, opening_id: str, trainee_id: str) -> bool:
        found = await self._conn.fetchval(
            """SELECT 1 FROM offers WHERE opening_id = $1 AND trainee_id = $2
                 AND status IN ('pending', 'accepted')""",
            opening_id,
            trainee_id,
        )
        return found is not None

    async def pending_due(self, now: datetime) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            """SELECT * FROM offers WHERE status = 'pending' AND expires_at <= $1
               ORDER BY expires_at FOR UPDATE SKIP LOCKED""",
            now,
        )
        return rows

    async def pending_of(self, trainee_id: str) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            """SELECT f.*, o.minimum_stage FROM offers f JOIN openings o USING (opening_id)
               WHERE f.trainee_id = $1 AND f.status = 'pending'
               ORDER BY f.offer_id FOR UPDATE OF f""",
            trainee_id,
        )
        return rows

    async def add_internship(self, internship_id: str, offer: Row) -> None:
        await self._conn.execute(
            """INSERT INTO internships (internship_id, offer_id, trainee_id, firm_id, opening_id)
               VALUES ($1, $2, $3, $4, $5)""",
            internship_id,
            offer["offer_id"],
            offer["trainee_id"],
            offer["firm_id"],
            offer["opening_id"],
        )

    async def get_internship(self, internship_id: str, *, lock: bool = False) -> Row | None:
        row: Row | None = await self._conn.fetchrow(
            f"SELECT * FROM internships WHERE internship_id = $1{' FOR UPDATE' if lock else ''}",
            internship_id,
        )
        return row

    async def list_internships(self, *, firm_id: str | None, institute_id: str | None) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            """SELECT i.* FROM internships i LEFT JOIN candidates c USING (trainee_id)
               WHERE ($1::text IS NULL OR i.firm_id = $1)
                 AND ($2::text IS NULL OR c.institute_id = $2)
               ORDER BY i.internship_id""",
            firm_id,
            institute_id,
        )
        return rows

    async def update_internship(
        self,
        internship_id: str,
        *,
        status: str,
        started_on: date | None = None,
        completed_on: date | None = None,
        converted: bool | None = None,
    ) -> Row:
        row: Row = await self._conn.fetchrow(
            """UPDATE internships SET status = $2, started_on = coalesce($3, started_on),
                   completed_on = coalesce($4, completed_on), converted = coalesce($5, converted)
               WHERE internship_id = $1 RETURNING *""",
            internship_id,
            status,
            started_on,
            completed_on,
            converted,
        )
        return row
