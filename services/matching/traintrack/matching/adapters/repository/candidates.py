"""The candidate pool: enrollment and evaluation facts as the matching service keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.domain.holdings import Credential, Holdings
from traintrack.platform.db import Connection

_SELECT = "SELECT c.* FROM candidates c"
# What a round needs of each candidate, in the order `as_round_candidates` reads them.
ROUND_COLUMNS = (
    "trainee_id", "stage_reached", "consent", "erased", "skills", "region_code", "score",
)  # fmt: skip


def _credential(c: Credential, *, lapsed: bool) -> dict[str, Any]:
    shown = {"programme_id": c.programme_id, "credential_id": c.credential_id}
    return {**shown, "reason": c.reason} if lapsed else shown


class CandidateRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def get(self, trainee_id: str, *, lock: bool = False) -> Row | None:
        """`lock` serialises everyone who changes what firms see of this candidate."""
        row: Row | None = await self._conn.fetchrow(
            f"{_SELECT} WHERE c.trainee_id = $1{' FOR UPDATE OF c' if lock else ''}", trainee_id
        )
        return row

    async def many(self, trainee_ids: Sequence[str], *, lock: bool = False) -> list[Row]:
        suffix = " ORDER BY c.trainee_id FOR UPDATE OF c" if lock else ""
        rows: list[Row] = await self._conn.fetch(
            f"{_SELECT} WHERE c.trainee_id = ANY($1::text[]){suffix}", list(trainee_ids)
        )
        return rows

    async def in_round(self, trainee_ids: Sequence[str]) -> list[Sequence[Any]]:
        """What a round needs of each candidate (`ROUND_COLUMNS`, read by position), locked
        in id order."""
        rows: list[Sequence[Any]] = await self._conn.fetch(
            f"""SELECT {", ".join(ROUND_COLUMNS)} FROM candidates
                WHERE trainee_id = ANY($1::text[]) ORDER BY trainee_id FOR UPDATE""",
            list(trainee_ids),
        )
        return rows

    async def pool_at(self, minimum_stage: int) -> list[Row]:
        """Everyone who may be shown at `minimum_stage` (a superset: revocation is checked by
        the domain)."""
        rows: list[Row] = await self._conn.fetch(
            f"{_SELECT} WHERE c.consent AND NOT c.erased AND c.stage_reached >= $1", minimum_stage
        )
        return rows

    async def listing(
        self, *, institute_id: str | None, minimum_stage: int, limit: int
    ) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            f"""{_SELECT} WHERE ($1::text IS NULL OR c.institute_id = $1) AND c.stage_reached >= $2
                              AND NOT c.erased
                ORDER BY c.stage_reached DESC, c.trainee_id LIMIT $3""",
            institute_id,
            minimum_stage,
            limit,
        )
        return rows

    async def upsert(self, trainee_id: str, **values: Any) -> None:
        """Create the candidate if unknown and set the given columns."""
        columns = list(values)
        assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
        placeholders = ", ".join(f"${i + 2}" for i in range(len(columns)))
        await self._conn.execute(
            f"""INSERT INTO candidates (trainee_id, {", ".join(columns)})
                VALUES ($1, {placeholders})
                ON CONFLICT (trainee_id) DO UPDATE SET {assignments}, updated_at = now()""",
            trainee_id,
            *values.values(),
        )

    async def lock(self, trainee_id: str) -> None:
        """Create the candidate if unknown, and lock them: whoever re-derives their view
        reads their enrollments only after any other writer's have committed (facts of two
        enrollments arrive on two topics at once)."""
        await self._conn.execute(
            "INSERT INTO candidates (trainee_id) VALUES ($1) ON CONFLICT DO NOTHING", trainee_id
        )
        await self._conn.execute(
            "SELECT 1 FROM candidates WHERE trainee_id = $1 FOR UPDATE", trainee_id
        )

    async def set_holdings(self, trainee_id: str, held: Holdings) -> None:
        """The person's view, derived from their enrollments."""
        await self._conn.execute(
            """UPDATE candidates SET stage_reached = $2, certified = $3, certifications = $4,
                   lapsed = $5, skills = $6, fields = $7, field = $8, score = $9, status = $10,
                   available_from = $11, updated_at = now()
               WHERE trainee_id = $1""",
            trainee_id,
            held.stage_reached,
            held.certified,
            [_credential(c, lapsed=False) for c in held.certifications],
            [_credential(c, lapsed=True) for c in held.lapsed],
            sorted(held.skills),
            sorted(held.fields),
            held.field,
            held.score,
            held.status,
            held.available_from,
        )

    async def upsert_cohort(self, **cohort: Any) -> None:
        await self._conn.execute(
            """INSERT INTO cohorts (cohort_id, programme_id, institute_id, field, skills,
                                    region_code, ends_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (cohort_id) DO UPDATE SET field = EXCLUDED.field,
                   skills = EXCLUDED.skills, region_code = EXCLUDED.region_code,
                   ends_on = EXCLUDED.ends_on""",
            cohort["cohort_id"],
            cohort["programme_id"],
            cohort["institute_id"],
            cohort["field"],
            cohort["skills"],
            cohort["region_code"],
            cohort["ends_on"],
        )
