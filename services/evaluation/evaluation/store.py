"""SQL for the evaluation store (asyncpg)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from evaluation.domain.decisions import Assessment, Observation, StageDecision, Status
from evaluation.domain.scheme import DEFAULT_SCHEME, Scheme
from evaluation.domain.schemes_io import scheme_from_data, scheme_to_data

# ---------------------------------------------------------------- schemes


async def ensure_default_scheme(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "INSERT INTO schemes (scheme_id, version, definition, published_by) "
        "VALUES ($1, $2, $3, 'traintrack') ON CONFLICT DO NOTHING",
        DEFAULT_SCHEME.scheme_id,
        DEFAULT_SCHEME.version,
        scheme_to_data(DEFAULT_SCHEME),
    )


async def next_version(conn: asyncpg.Connection, scheme_id: str) -> int:
    current = await conn.fetchval(
        "SELECT max(version) FROM schemes WHERE scheme_id = $1", scheme_id
    )
    return int(current or 0) + 1


async def add_scheme(conn: asyncpg.Connection, scheme: Scheme, *, by: str) -> None:
    await conn.execute(
        "INSERT INTO schemes (scheme_id, version, definition, published_by) "
        "VALUES ($1, $2, $3, $4)",
        scheme.scheme_id,
        scheme.version,
        scheme_to_data(scheme),
        by,
    )


async def get_scheme(
    conn: asyncpg.Connection, scheme_id: str, version: int | None = None
) -> Scheme | None:
    row = await conn.fetchrow(
        "SELECT definition FROM schemes WHERE scheme_id = $1 AND ($2::int IS NULL OR "
        "version = $2) ORDER BY version DESC LIMIT 1",
        scheme_id,
        version,
    )
    return scheme_from_data(row["definition"]) if row else None


async def assign_scheme(conn: asyncpg.Connection, programme_id: str, scheme: Scheme) -> None:
    await conn.execute(
        """INSERT INTO programme_schemes (programme_id, scheme_id, version) VALUES ($1, $2, $3)
           ON CONFLICT (programme_id) DO UPDATE SET scheme_id = excluded.scheme_id,
               version = excluded.version""",
        programme_id,
        scheme.scheme_id,
        scheme.version,
    )


async def scheme_for_programme(conn: asyncpg.Connection, programme_id: str) -> Scheme:
    row = await conn.fetchrow(
        "SELECT scheme_id, version FROM programme_schemes WHERE programme_id = $1", programme_id
    )
    if row is None:
        return DEFAULT_SCHEME
    scheme = await get_scheme(conn, row["scheme_id"], row["version"])
    assert scheme is not None  # foreign key
    return scheme


# ---------------------------------------------------------------- projection of enrollment


async def upsert_cohort(
    conn: asyncpg.Connection, cohort_id: str, programme_id: str, institute_id: str
) -> None:
    await conn.execute(
        """INSERT INTO cohorts VALUES ($1, $2, $3) ON CONFLICT (cohort_id) DO UPDATE
           SET programme_id = excluded.programme_id, institute_id = excluded.institute_id""",
        cohort_id,
        programme_id,
        institute_id,
    )


async def upsert_trainee(
    conn: asyncpg.Connection, trainee_id: str, enrollment_id: str, cohort_id: str, institute_id: str
) -> None:
    await conn.execute(
        """INSERT INTO trainees (trainee_id, enrollment_id, cohort_id, institute_id)
           VALUES ($1, $2, $3, $4) ON CONFLICT (trainee_id) DO UPDATE SET
           enrollment_id = excluded.enrollment_id, cohort_id = excluded.cohort_id,
           institute_id = excluded.institute_id, completed = false, dropped = false""",
        trainee_id,
        enrollment_id,
        cohort_id,
        institute_id,
    )


async def update_trainee(conn: asyncpg.Connection, trainee_id: str, **values: Any) -> bool:
    assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(values, start=2))
    done = await conn.fetchval(
        f"UPDATE trainees SET {assignments} WHERE trainee_id = $1 RETURNING 1",
        trainee_id,
        *values.values(),
    )
    return done is not None


@dataclass(frozen=True)
class TraineeFacts:
    trainee_id: str
    institute_id: str
    programme_id: str | None
    attendance_rate: float | None
    completed: bool
    dropped: bool


async def trainee_facts(conn: asyncpg.Connection, trainee_id: str) -> TraineeFacts | None:
    row = await conn.fetchrow(
        """SELECT t.*, c.programme_id FROM trainees t LEFT JOIN cohorts c USING (cohort_id)
           WHERE t.trainee_id = $1""",
        trainee_id,
    )
    if row is None:
        return None
    return TraineeFacts(
        row["trainee_id"],
        row["institute_id"],
        row["programme_id"],
        row["attendance_rate"],
        row["completed"],
        row["dropped"],
    )


# ---------------------------------------------------------------- projects and evidence


async def add_project(conn: asyncpg.Connection, project: dict[str, Any]) -> bool:
    done = await conn.fetchval(
        """INSERT INTO projects (project_id, programme_id, institute_id, firm_id, title, team)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1""",
        project["project_id"],
        project["programme_id"],
        project["institute_id"],
        project["firm_id"],
        project["title"],
        project["team"],
    )
    return done is not None


async def get_project(conn: asyncpg.Connection, project_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM projects WHERE project_id = $1", project_id)
    return dict(row) if row else None


async def firm_has_trainee(conn: asyncpg.Connection, firm_id: str, trainee_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM projects WHERE firm_id = $1 AND $2 = ANY(team)", firm_id, trainee_id
    )
    return found is not None


async def add_observation(
    conn: asyncpg.Connection,
    trainee_id: str,
    evidence: str,
    stage: int,
    attempt: int,
    value: float,
    *,
    by: str,
) -> datetime:
    at: datetime = await conn.fetchval(
        "INSERT INTO observations (trainee_id, evidence, stage, attempt, value, recorded_by) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING recorded_at",
        trainee_id,
        evidence,
        stage,
        attempt,
        value,
        by,
    )
    return at


async def add_assessment(
    conn: asyncpg.Connection,
    trainee_id: str,
    project_id: str,
    attempt: int,
    assessor: str,
    side: str,
    scores: dict[str, float],
) -> datetime:
    at: datetime = await conn.fetchval(
        "INSERT INTO assessments (trainee_id, project_id, stage, attempt, assessor, side, "
        "scores) VALUES ($1, $2, 3, $3, $4, $5, $6) RETURNING recorded_at",
        trainee_id,
        project_id,
        attempt,
        assessor,
        side,
        scores,
    )
    return at


async def evidence_of(
    conn: asyncpg.Connection, trainee_id: str
) -> tuple[list[Observation], list[Assessment]]:
    observations = [
        Observation(r["seq"], r["evidence"], r["stage"], r["attempt"], r["value"])
        for r in await conn.fetch("SELECT * FROM observations WHERE trainee_id = $1", trainee_id)
    ]
    assessments = [
        Assessment(r["seq"], r["stage"], r["attempt"], r["assessor"], r["side"], r["scores"])
        for r in await conn.fetch("SELECT * FROM assessments WHERE trainee_id = $1", trainee_id)
    ]
    return observations, assessments


async def has_evidence(conn: asyncpg.Connection, trainee_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM observations WHERE trainee_id = $1) "
        "OR EXISTS (SELECT 1 FROM assessments WHERE trainee_id = $1)",
        trainee_id,
    )
    return bool(found)


# ---------------------------------------------------------------- decisions and credentials


async def decisions_of(conn: asyncpg.Connection, trainee_id: str) -> dict[int, StageDecision]:
    rows = await conn.fetch(
        "SELECT * FROM decisions WHERE trainee_id = $1 ORDER BY stage", trainee_id
    )
    return {
        r["stage"]: StageDecision(
            r["stage"],
            Status(r["status"]),
            r["attempt"],
            r["attempts_left"],
            r["scheme_version"],
            r["rubric_score"],
            tuple(r["missing"]),
            tuple(r["shortfalls"]),
        )
        for r in rows
    }


async def decision_rows(conn: asyncpg.Connection, trainee_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT * FROM decisions WHERE trainee_id = $1 ORDER BY stage", trainee_id
    )
    return [dict(r) for r in rows]


async def save_decisions(
    conn: asyncpg.Connection, trainee_id: str, scheme: Scheme, decisions: list[StageDecision]
) -> None:
    await conn.executemany(
        """INSERT INTO decisions (trainee_id, stage, status, attempt, attempts_left, scheme_id,
                                  scheme_version, rubric_score, missing, shortfalls)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (trainee_id, stage) DO UPDATE SET status = excluded.status,
               attempt = excluded.attempt, attempts_left = excluded.attempts_left,
               scheme_id = excluded.scheme_id, scheme_version = excluded.scheme_version,
               rubric_score = excluded.rubric_score, missing = excluded.missing,
               shortfalls = excluded.shortfalls, decided_at = now()""",
        [
            (
                trainee_id,
                d.stage,
                d.status.value,
                d.attempt,
                d.attempts_left,
                scheme.scheme_id,
                d.scheme_version,
                d.rubric_score,
                list(d.missing),
                list(d.shortfalls),
            )
            for d in decisions
        ],
    )


async def active_credential(conn: asyncpg.Connection, trainee_id: str) -> str | None:
    found: str | None = await conn.fetchval(
        "SELECT credential_id FROM credentials WHERE trainee_id = $1 AND revoked_at IS NULL",
        trainee_id,
    )
    return found


async def add_credential(
    conn: asyncpg.Connection,
    credential_id: str,
    trainee_id: str,
    jwt: str,
    issued_at: datetime,
    valid_until: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO credentials (credential_id, trainee_id, jwt, issued_at, "
        "valid_until) VALUES ($1, $2, $3, $4, $5)",
        credential_id,
        trainee_id,
        jwt,
        issued_at,
        valid_until,
    )


async def revoke_credential(
    conn: asyncpg.Connection, credential_id: str, reason: str, at: datetime
) -> bool:
    done = await conn.fetchval(
        "UPDATE credentials SET revoked_at = $2, revocation_reason = $3 "
        "WHERE credential_id = $1 AND revoked_at IS NULL RETURNING 1",
        credential_id,
        at,
        reason,
    )
    return done is not None


async def get_credential(conn: asyncpg.Connection, credential_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM credentials WHERE credential_id = $1", credential_id)
    return dict(row) if row else None
