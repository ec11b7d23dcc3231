"""Match rounds and the preferences submitted to them."""

from __future__ import annotations

from typing import Any, Literal

from traintrack.matching.adapters.mapping import Row
from traintrack.platform.db import Connection


class RoundRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add_round(
        self,
        *,
        round_id: str,
        proposing: str,
        offer_days: int,
        opening_ids: list[str],
    ) -> bool:
        done = await self._conn.fetchval(
            """INSERT INTO rounds (round_id, proposing, offer_days, opening_ids)
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1""",
            round_id,
            proposing,
            offer_days,
            opening_ids,
        )
        return done is not None

    async def get_round(
        self, round_id: str, *, lock: Literal["share", "update"] | None = None
    ) -> Row | None:
        suffix = {None: "", "share": " FOR SHARE", "update": " FOR UPDATE"}[lock]
        row: Row | None = await self._conn.fetchrow(
            f"SELECT * FROM rounds WHERE round_id = $1{suffix}", round_id
        )
        return row

    async def set_candidate_preferences(
        self, round_id: str, trainee_id: str, opening_ids: list[str]
    ) -> None:
        await self._conn.execute(
            """INSERT INTO candidate_preferences (round_id, trainee_id, opening_ids)
               VALUES ($1, $2, $3) ON CONFLICT (round_id, trainee_id)
               DO UPDATE SET opening_ids = EXCLUDED.opening_ids""",
            round_id,
            trainee_id,
            opening_ids,
        )

    async def set_opening_preferences(
        self, round_id: str, opening_id: str, trainee_ids: list[str]
    ) -> None:
        await self._conn.execute(
            """INSERT INTO opening_preferences (round_id, opening_id, trainee_ids)
               VALUES ($1, $2, $3) ON CONFLICT (round_id, opening_id)
               DO UPDATE SET trainee_ids = EXCLUDED.trainee_ids""",
            round_id,
            opening_id,
            trainee_ids,
        )

    async def candidate_preferences(self, round_id: str) -> dict[str, list[str]]:
        rows = await self._conn.fetch(
            "SELECT trainee_id, opening_ids FROM candidate_preferences WHERE round_id = $1",
            round_id,
        )
        return {r["trainee_id"]: list(r["opening_ids"]) for r in rows}

    async def opening_preferences(self, round_id: str) -> dict[str, list[str]]:
        rows = await self._conn.fetch(
            "SELECT opening_id, trainee_ids FROM opening_preferences WHERE round_id = $1", round_id
        )
        return {r["opening_id"]: list(r["trainee_ids"]) for r in rows}

    async def applicants(self, round_id: str, opening_id: str) -> list[str]:
        rows = await self._conn.fetch(
            """SELECT trainee_id FROM candidate_preferences
               WHERE round_id = $1 AND $2 = ANY(opening_ids) ORDER BY trainee_id""",
            round_id,
            opening_id,
        )
        return [r["trainee_id"] for r in rows]

    async def placed_trainees(self) -> set[str]:
        """Candidates holding a pending or accepted offer stay out of further rounds."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT trainee_id FROM offers WHERE status IN ('pending', 'accepted')"
        )
        return {r["trainee_id"] for r in rows}

    async def game_of(self, round_id: str, trainee_id: str) -> Row | None:
        """The part of a solved round's game and assignment one candidate's explanation
        reads: their list and, for each opening on it, its seats, whether it ranked them,
        and whom it got (not the whole stored game)."""
        row: Row | None = await self._conn.fetchrow(
            """SELECT r.status, r.game->'candidate_prefs'->$2 AS listed,
                      (SELECT jsonb_object_agg(o, jsonb_build_object(
                                 'seats', r.game->'seats'->o,
                                 'ranks', coalesce(r.game->'opening_prefs'->o ? $2, false),
                                 'holders', coalesce(r.assignment->o, '[]'::jsonb)))
                       FROM jsonb_array_elements_text(r.game->'candidate_prefs'->$2) AS o
                      ) AS openings
               FROM rounds r WHERE r.round_id = $1""",
            round_id,
            trainee_id,
        )
        return row

    async def complete(
        self, round_id: str, game: dict[str, Any], assignment: dict[str, Any]
    ) -> None:
        await self._conn.execute(
            """UPDATE rounds SET status = 'completed', completed_at = now(), game = $2,
                   assignment = $3 WHERE round_id = $1""",
            round_id,
            game,
            assignment,
        )
