"""The outcomes store: facts (every event the indicators need) and the first slice's
trainee view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from traintrack.outcomes.domain.records import Fact


async def add_facts(conn: asyncpg.Connection, facts: Sequence[Fact]) -> None:
    """Idempotent: a fact already kept (by event id) is left as it is."""
    await conn.executemany(
        """INSERT INTO facts (event_id, kind, subject, known_at, data, import_id, imported_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING""",
        [
            (f.event_id, f.kind, f.subject, f.known_at, dict(f.data), *(f.imported or (None,) * 2))
            for f in facts
        ],
    )


async def facts_known(conn: asyncpg.Connection | asyncpg.Pool, as_of: datetime) -> list[Fact]:
    rows = await conn.fetch(
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


async def fact_data(conn: asyncpg.Connection, event_ids: Sequence[str]) -> dict[str, Any]:
    """The data of those of `event_ids` kept already."""
    rows = await conn.fetch(
        "SELECT event_id, data FROM facts WHERE event_id = ANY($1::text[])", list(event_ids)
    )
    return {r["event_id"]: r["data"] for r in rows}


async def live_cohorts(conn: asyncpg.Connection, cohort_ids: Sequence[str]) -> set[str]:
    rows = await conn.fetch(
        """SELECT subject FROM facts WHERE kind = 'cohort-opened' AND import_id IS NULL
             AND subject = ANY($1::text[])""",
        list(set(cohort_ids)),
    )
    return {r["subject"] for r in rows}


async def live_enrollments(conn: asyncpg.Connection, trainee_ids: Sequence[str]) -> set[str]:
    rows = await conn.fetch(
        """SELECT data->>'enrollment_id' AS enrollment_id FROM facts
           WHERE kind = 'trainee-enrolled' AND import_id IS NULL
             AND subject = ANY($1::text[])""",
        list(set(trainee_ids)),
    )
    return {r["enrollment_id"] for r in rows}


async def facts_about(
    conn: asyncpg.Connection | asyncpg.Pool, subject: str
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT event_id, kind, known_at, recorded_at, data FROM facts
           WHERE subject = $1 ORDER BY known_at, event_id""",
        subject,
    )
    return rows


async def institute_of(conn: asyncpg.Connection, trainee_id: str) -> str | None:
    value = await conn.fetchval(
        """SELECT data->>'institute_id' FROM facts
           WHERE subject = $1 AND kind IN ('trainee-registered', 'trainee-enrolled')
           ORDER BY known_at DESC LIMIT 1""",
        trainee_id,
    )
    return str(value) if value else None


async def hired_by(conn: asyncpg.Connection, trainee_id: str, firm_id: str) -> bool:
    found = await conn.fetchval(
        """SELECT 1 FROM facts WHERE subject = $1 AND kind = 'hired'
             AND data->>'firm_id' = $2""",
        trainee_id,
        firm_id,
    )
    return found is not None


async def report(conn: asyncpg.Connection, report_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        """SELECT subject, data FROM facts
           WHERE kind = 'outcome-reported' AND data->>'report_id' = $1""",
        report_id,
    )
    return row
