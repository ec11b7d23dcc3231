"""Match rounds and the preferences submitted to them."""

from __future__ import annotations

import json
from typing import Any, Literal

from traintrack.matching.adapters.mapping import Row
from traintrack.platform.db import Connection

# A round's row without its stored game and assignment (megabytes for a large round; only
# an explanation reads them, a part at a time: `game_of`).
ROUND = "round_id, status, proposing, offer_days, opening_ids, created_at, completed_at, result"


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
            f"SELECT {ROUND} FROM rounds WHERE round_id = $1{suffix}", round_id
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
        # One JSON document, not a row and an array per candidate: decoding 50,000 text[]
        # took asyncpg longer than solving the round.
        found: str | None = await self._conn.fetchval(
            """SELECT json_object_agg(trainee_id, opening_ids) FROM candidate_preferences
               WHERE round_id = $1""",
            round_id,
        )
        prefs: dict[str, list[str]] = json.loads(found) if found else {}
        return prefs

    async def opening_preferences(self, round_id: str) -> dict[str, list[str]]:
        rows = await self._conn.fetch(
            "SELECT opening_id, trainee_ids FROM opening_preferences WHERE round_id = $1", round_id
        )
        return {r["opening_id"]: list(r["trainee_ids"]) for r in rows}

    async def applicants(self, round_id: str, opening_id: str) -> list[str]:
        rows = await self._conn.fetch(
            """SELECT trainee_id FROM candidate_preferences
               WHERE round_id = $1 AND opening_ids @> ARRAY[$2::text] ORDER BY trainee_id""",
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

    async def public(self, round_id: str) -> Row | None:
        """The round without its stored game, and its progress if solved in the background."""
        row: Row | None = await self._conn.fetchrow(
            """SELECT r.round_id, r.status, r.proposing, r.offer_days, r.opening_ids,
                      r.created_at, r.completed_at, r.result,
                      to_jsonb(p) - 'round_id' AS progress
               FROM rounds r LEFT JOIN round_progress p USING (round_id)
               WHERE r.round_id = $1""",
            round_id,
        )
        return row

    async def pairs(self, round_id: str) -> int:
        """(candidate, opening) pairs listed in the round: the size of its game."""
        listed: int = await self._conn.fetchval(
            """SELECT coalesce(sum(cardinality(opening_ids)), 0)::int
               FROM candidate_preferences WHERE round_id = $1""",
            round_id,
        )
        return listed

    async def queue(self, round_id: str, *, pairs: int, steps: int) -> None:
        """To be solved in the background (rankings are closed from now on)."""
        await self._conn.execute(
            "UPDATE rounds SET status = 'solving' WHERE round_id = $1", round_id
        )
        await self.set_progress(round_id, "queued", step=0, steps=steps, pairs=pairs)

    async def next_queued(self) -> Row | None:
        """The oldest round waiting to be solved that no one else is solving, locked."""
        row: Row | None = await self._conn.fetchrow(
            f"""SELECT {ROUND} FROM rounds WHERE status = 'solving'
                ORDER BY created_at, round_id LIMIT 1 FOR UPDATE SKIP LOCKED"""
        )
        return row

    async def set_progress(
        self,
        round_id: str,
        phase: str,
        *,
        step: int,
        steps: int,
        pairs: int | None = None,
        error: str | None = None,
    ) -> None:
        await self._conn.execute(
            """INSERT INTO round_progress (round_id, phase, step, steps, pairs, error)
               VALUES ($1, $2, $3, $4, coalesce($5, 0), $6)
               ON CONFLICT (round_id) DO UPDATE SET phase = $2, step = $3, steps = $4,
                   pairs = coalesce($5, round_progress.pairs), error = $6,
                   attempts = round_progress.attempts + (CASE WHEN $6 IS NULL THEN 0 ELSE 1 END),
                   updated_at = now()""",
            round_id,
            phase,
            step,
            steps,
            pairs,
            error,
        )

    async def complete(
        self,
        round_id: str,
        game: dict[str, Any],
        assignment: dict[str, Any],
        result: dict[str, Any],
    ) -> None:
        await self._conn.execute(
            """UPDATE rounds SET status = 'completed', completed_at = now(), game = $2,
                   assignment = $3, result = $4 WHERE round_id = $1""",
            round_id,
            game,
            assignment,
            result,
        )
