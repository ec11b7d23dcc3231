"""The candidate pool: enrollment and evaluation facts as the matching service keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg

from matching_service.domain.candidates import Candidate

_SELECT = """SELECT c.*, co.field, co.skills, co.ends_on AS available_from
             FROM candidates c LEFT JOIN cohorts co USING (cohort_id)"""


def as_candidate(row: asyncpg.Record) -> Candidate:
    return Candidate(
        trainee_id=row["trainee_id"],
        stage_reached=row["stage_reached"],
        consent=row["consent"],
        certification_revoked=row["certification_revoked"],
        skills=frozenset(row["skills"] or ()),
        region_code=row["region_code"] or "",
        score=float(row["score"]),
        fields=frozenset([row["field"]] if row["field"] else ()),
        erased=row["erased"],
    )


def profile(row: asyncpg.Record) -> dict[str, Any]:
    """What a firm may see of a candidate: pseudonymous, no personal details."""
    available: date | None = row["available_from"]
    return {
        "trainee_id": row["trainee_id"],
        "institute_id": row["institute_id"],
        "stage_reached": row["stage_reached"],
        "certified": row["certified"] and not row["certification_revoked"],
        "skills": sorted(row["skills"] or ()),
        "field": row["field"],
        "region_code": row["region_code"],
        "score": round(float(row["score"]), 1),
        "status": row["status"],
        "available_from": available.isoformat() if available else None,
    }


async def get(
    conn: asyncpg.Connection, trainee_id: str, *, lock: bool = False
) -> asyncpg.Record | None:
    """`lock` serialises everyone who changes what firms see of this candidate."""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"{_SELECT} WHERE c.trainee_id = $1{' FOR UPDATE OF c' if lock else ''}", trainee_id
    )
    return row


async def many(
    conn: asyncpg.Connection, trainee_ids: Sequence[str], *, lock: bool = False
) -> list[asyncpg.Record]:
    suffix = " ORDER BY c.trainee_id FOR UPDATE OF c" if lock else ""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"{_SELECT} WHERE c.trainee_id = ANY($1::text[]){suffix}", list(trainee_ids)
    )
    return rows


async def pool_at(conn: asyncpg.Connection, minimum_stage: int) -> list[asyncpg.Record]:
    """Everyone who may be shown at `minimum_stage` (a superset: revocation is checked by
    the domain)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"{_SELECT} WHERE c.consent AND NOT c.erased AND c.stage_reached >= $1", minimum_stage
    )
    return rows


async def listing(
    conn: asyncpg.Connection, *, institute_id: str | None, minimum_stage: int, limit: int
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""{_SELECT} WHERE ($1::text IS NULL OR c.institute_id = $1) AND c.stage_reached >= $2
                          AND NOT c.erased
            ORDER BY c.stage_reached DESC, c.trainee_id LIMIT $3""",
        institute_id,
        minimum_stage,
        limit,
    )
    return rows


async def in_cohort(conn: asyncpg.Connection, cohort_id: str) -> list[str]:
    rows = await conn.fetch("SELECT trainee_id FROM candidates WHERE cohort_id = $1", cohort_id)
    return [r["trainee_id"] for r in rows]


async def upsert(conn: asyncpg.Connection, trainee_id: str, **values: Any) -> None:
    """Create the candidate if unknown and set the given columns."""
    columns = list(values)
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
    placeholders = ", ".join(f"${i + 2}" for i in range(len(columns)))
    await conn.execute(
        f"""INSERT INTO candidates (trainee_id, {", ".join(columns)}) VALUES ($1, {placeholders})
            ON CONFLICT (trainee_id) DO UPDATE SET {assignments}, updated_at = now()""",
        trainee_id,
        *values.values(),
    )


async def record_rubric(conn: asyncpg.Connection, trainee_id: str, side: str, value: float) -> None:
    await conn.execute(
        """INSERT INTO candidates (trainee_id, rubric)
           VALUES ($1, jsonb_build_object($2::text, $3::float8))
           ON CONFLICT (trainee_id) DO UPDATE
           SET rubric = candidates.rubric || EXCLUDED.rubric, updated_at = now()""",
        trainee_id,
        side,
        value,
    )
    await conn.execute(
        """UPDATE candidates
           SET score = (SELECT avg(v::float8) FROM jsonb_each_text(rubric) AS s(k, v))
           WHERE trainee_id = $1""",
        trainee_id,
    )


async def passed_stages(conn: asyncpg.Connection, trainee_id: str) -> list[int]:
    value = await conn.fetchval(
        "SELECT passed_stages FROM candidates WHERE trainee_id = $1", trainee_id
    )
    return list(value or [])


async def upsert_cohort(conn: asyncpg.Connection, **cohort: Any) -> None:
    await conn.execute(
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
