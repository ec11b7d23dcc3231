"""SQL for the evaluation store (asyncpg): schemes, cohorts and enrollments, projects and
evidence. Decision history and credentials are in `records.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from traintrack.evaluation.domain.decisions import Assessment, Observation
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME, Scheme
from traintrack.evaluation.domain.schemes_io import scheme_from_data, scheme_to_data

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
    """The version assigned to the programme now (the default scheme when none is)."""
    row = await conn.fetchrow(
        "SELECT scheme_id, version FROM programme_schemes WHERE programme_id = $1", programme_id
    )
    if row is None:
        return DEFAULT_SCHEME
    scheme = await get_scheme(conn, row["scheme_id"], row["version"])
    assert scheme is not None  # foreign key
    return scheme


async def scheme_for_cohort(conn: asyncpg.Connection, cohort_id: str) -> Scheme:
    """The version the cohort is pinned to; a cohort not pinned yet (opened before pins
    existed) is pinned now, at its first decision, to its programme's version."""
    row = await conn.fetchrow(
        "SELECT programme_id, scheme_id, scheme_version FROM cohorts WHERE cohort_id = $1",
        cohort_id,
    )
    if row is None:  # the cohort's facts have not arrived yet: nothing to pin
        return DEFAULT_SCHEME
    if row["scheme_id"] is not None:
        scheme = await get_scheme(conn, row["scheme_id"], row["scheme_version"])
        assert scheme is not None  # pinned versions are published ones
        return scheme
    scheme = await scheme_for_programme(conn, row["programme_id"])
    await pin_scheme(conn, cohort_id, scheme)
    return scheme


async def pin_scheme(conn: asyncpg.Connection, cohort_id: str, scheme: Scheme) -> None:
    await conn.execute(
        "UPDATE cohorts SET scheme_id = $2, scheme_version = $3 WHERE cohort_id = $1",
        cohort_id,
        scheme.scheme_id,
        scheme.version,
    )


# ---------------------------------------------------------------- projection of enrollment


async def open_cohort(
    conn: asyncpg.Connection, cohort_id: str, programme_id: str, institute_id: str
) -> None:
    """Know the cohort, pinned to its programme's scheme version now; a repeated or
    corrected CohortOpened keeps the pin (only an operator moves it)."""
    scheme = await scheme_for_programme(conn, programme_id)
    await conn.execute(
        """INSERT INTO cohorts (cohort_id, programme_id, institute_id, scheme_id, scheme_version)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cohort_id) DO UPDATE
           SET programme_id = excluded.programme_id, institute_id = excluded.institute_id,
               scheme_id = coalesce(cohorts.scheme_id, excluded.scheme_id),
               scheme_version = coalesce(cohorts.scheme_version, excluded.scheme_version)""",
        cohort_id,
        programme_id,
        institute_id,
        scheme.scheme_id,
        scheme.version,
    )


async def get_cohort(conn: asyncpg.Connection, cohort_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM cohorts WHERE cohort_id = $1", cohort_id)
    return dict(row) if row else None


async def add_enrollment(
    conn: asyncpg.Connection, enrollment_id: str, trainee_id: str, cohort_id: str, institute_id: str
) -> None:
    await conn.execute(
        """INSERT INTO enrollments (enrollment_id, trainee_id, cohort_id, institute_id)
           VALUES ($1, $2, $3, $4) ON CONFLICT (enrollment_id) DO UPDATE SET
           cohort_id = excluded.cohort_id, institute_id = excluded.institute_id""",
        enrollment_id,
        trainee_id,
        cohort_id,
        institute_id,
    )


async def update_enrollment(conn: asyncpg.Connection, enrollment_id: str, **values: Any) -> bool:
    assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(values, start=2))
    done = await conn.fetchval(
        f"UPDATE enrollments SET {assignments} WHERE enrollment_id = $1 RETURNING 1",
        enrollment_id,
        *values.values(),
    )
    return done is not None


async def record_attendance(conn: asyncpg.Connection, enrollment_id: str, rate: float) -> bool:
    """The rate to date of an enrollment still running: once it has ended, its final rate
    (sent with the ending) stays, whatever late attendance day arrives after it."""
    done = await conn.fetchval(
        "UPDATE enrollments SET attendance_rate = $2 WHERE enrollment_id = $1 "
        "AND ending IS NULL RETURNING 1",
        enrollment_id,
        rate,
    )
    return done is not None


_FACTS = """SELECT e.*, c.programme_id FROM enrollments e LEFT JOIN cohorts c USING (cohort_id)"""


def _facts(row: asyncpg.Record) -> EnrollmentFacts:
    return EnrollmentFacts(
        row["enrollment_id"],
        row["trainee_id"],
        row["cohort_id"],
        row["institute_id"],
        row["programme_id"],
        row["attendance_rate"],
        row["ending"],
    )


async def enrollment_facts(
    conn: asyncpg.Connection, enrollment_id: str, *, lock: bool = False
) -> EnrollmentFacts | None:
    """`lock`: hold the enrollment's row to the end of the transaction, so that two
    re-decisions of one enrollment (evidence and attendance at once) never interleave."""
    suffix = " FOR UPDATE OF e" if lock else ""
    row = await conn.fetchrow(f"{_FACTS} WHERE e.enrollment_id = $1{suffix}", enrollment_id)
    return _facts(row) if row else None


async def enrollments_of_trainee(
    conn: asyncpg.Connection, trainee_id: str
) -> list[EnrollmentFacts]:
    rows = await conn.fetch(f"{_FACTS} WHERE e.trainee_id = $1 ORDER BY e.seq", trainee_id)
    return [_facts(r) for r in rows]


async def enrollments_of_cohort(conn: asyncpg.Connection, cohort_id: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT enrollment_id FROM enrollments WHERE cohort_id = $1 ORDER BY seq", cohort_id
    )
    return [r["enrollment_id"] for r in rows]


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


async def firm_assesses(
    conn: asyncpg.Connection, firm_id: str, trainee_id: str, programme_id: str | None
) -> bool:
    """Whether the firm gave a project of the enrollment's programme with the trainee on it."""
    found = await conn.fetchval(
        "SELECT 1 FROM projects WHERE firm_id = $1 AND $2 = ANY(team) AND programme_id = $3",
        firm_id,
        trainee_id,
        programme_id,
    )
    return found is not None


async def add_observation(
    conn: asyncpg.Connection,
    facts: EnrollmentFacts,
    evidence: str,
    stage: int,
    attempt: int,
    value: float,
    *,
    by: str,
) -> datetime:
    at: datetime = await conn.fetchval(
        "INSERT INTO observations (enrollment_id, trainee_id, evidence, stage, attempt, value, "
        "recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING recorded_at",
        facts.enrollment_id,
        facts.trainee_id,
        evidence,
        stage,
        attempt,
        value,
        by,
    )
    return at


async def add_assessment(
    conn: asyncpg.Connection,
    facts: EnrollmentFacts,
    project_id: str,
    stage: int,
    attempt: int,
    assessor: str,
    side: str,
    scores: dict[str, float],
) -> datetime:
    at: datetime = await conn.fetchval(
        "INSERT INTO assessments (enrollment_id, trainee_id, project_id, stage, attempt, "
        "assessor, side, scores) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING recorded_at",
        facts.enrollment_id,
        facts.trainee_id,
        project_id,
        stage,
        attempt,
        assessor,
        side,
        scores,
    )
    return at


async def evidence_of(
    conn: asyncpg.Connection, enrollment_id: str
) -> tuple[list[Observation], list[Assessment]]:
    observations = [
        Observation(r["seq"], r["evidence"], r["stage"], r["attempt"], r["value"])
        for r in await conn.fetch(
            "SELECT * FROM observations WHERE enrollment_id = $1", enrollment_id
        )
    ]
    assessments = [
        Assessment(r["seq"], r["stage"], r["attempt"], r["assessor"], r["side"], r["scores"])
        for r in await conn.fetch(
            "SELECT * FROM assessments WHERE enrollment_id = $1", enrollment_id
        )
    ]
    return observations, assessments


async def has_evidence(conn: asyncpg.Connection, enrollment_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM observations WHERE enrollment_id = $1) "
        "OR EXISTS (SELECT 1 FROM assessments WHERE enrollment_id = $1)",
        enrollment_id,
    )
    return bool(found)
