"""The candidate pool: enrollment and evaluation facts as the matching service keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg

from traintrack.matching.domain.candidates import Candidate
from traintrack.matching.domain.holdings import Credential, Holdings

_SELECT = "SELECT c.* FROM candidates c"


def as_candidate(row: asyncpg.Record) -> Candidate:
    return Candidate(
        trainee_id=row["trainee_id"],
        stage_reached=row["stage_reached"],
        consent=row["consent"],
        certified=row["certified"],
        skills=frozenset(row["skills"]),
        region_code=row["region_code"] or "",
        score=float(row["score"]),
        fields=frozenset(row["fields"]),
        erased=row["erased"],
    )


def profile(row: asyncpg.Record) -> dict[str, Any]:
    """What a firm may see of a candidate: pseudonymous, no personal details; what they
    hold across their courses (`domain/holdings.py`)."""
    available: date | None = row["available_from"]
    return {
        "trainee_id": row["trainee_id"],
        "institute_id": row["institute_id"],
        "stage_reached": row["stage_reached"],
        "certified": row["certified"],
        "certifications": row["certifications"],
        "skills": sorted(row["skills"]),
        "field": row["field"],
        "fields": sorted(row["fields"]),
        "region_code": row["region_code"],
        "score": round(float(row["score"]), 1),
        "status": row["status"],
        "available_from": available.isoformat() if available else None,
    }


def credentials_shown(row: asyncpg.Record) -> list[str]:
    return [c["credential_id"] for c in row["certifications"]]


def lapsed(row: asyncpg.Record) -> dict[str, dict[str, Any]]:
    """The candidate's credentials that no longer stand, by id, with why."""
    return {c["credential_id"]: c for c in row["lapsed"]}


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


async def lock(conn: asyncpg.Connection, trainee_id: str) -> None:
    """Create the candidate if unknown, and lock them: whoever re-derives their view
    reads their enrollments only after any other writer's have committed (facts of two
    enrollments arrive on two topics at once)."""
    await conn.execute(
        "INSERT INTO candidates (trainee_id) VALUES ($1) ON CONFLICT DO NOTHING", trainee_id
    )
    await conn.execute("SELECT 1 FROM candidates WHERE trainee_id = $1 FOR UPDATE", trainee_id)


def _credential(c: Credential, *, lapsed: bool) -> dict[str, Any]:
    shown = {"programme_id": c.programme_id, "credential_id": c.credential_id}
    return {**shown, "reason": c.reason} if lapsed else shown


async def set_holdings(conn: asyncpg.Connection, trainee_id: str, held: Holdings) -> None:
    """The person's view, derived from their enrollments."""
    await conn.execute(
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
