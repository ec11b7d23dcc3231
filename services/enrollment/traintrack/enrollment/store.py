"""SQL for the enrollment store (asyncpg). Rows in, domain objects out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from traintrack.enrollment.domain.attendance import AttendanceDay, AttendanceStatus
from traintrack.enrollment.domain.catalogue import Cohort, Institute, Programme, Track
from traintrack.enrollment.domain.enrollments import (
    SEAT_HOLDERS,
    DropReason,
    Enrollment,
    EnrollmentStatus,
)
from traintrack.enrollment.domain.trainees import PersonalDetails, Trainee

# ---------------------------------------------------------------- catalogue


async def add_institute(conn: asyncpg.Connection, institute: Institute) -> bool:
    done = await conn.fetchval(
        "INSERT INTO institutes (institute_id, name, region_code) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        institute.institute_id,
        institute.name,
        institute.region_code,
    )
    return done is not None


async def get_institute(conn: asyncpg.Connection, institute_id: str) -> Institute | None:
    row = await conn.fetchrow("SELECT * FROM institutes WHERE institute_id = $1", institute_id)
    return Institute(row["institute_id"], row["name"], row["region_code"]) if row else None


async def list_institutes(conn: asyncpg.Connection, only: str | None) -> list[Institute]:
    rows = await conn.fetch(
        "SELECT * FROM institutes WHERE $1::text IS NULL OR "
        "institute_id = $1 ORDER BY institute_id",
        only,
    )
    return [Institute(r["institute_id"], r["name"], r["region_code"]) for r in rows]


def _programme(row: asyncpg.Record) -> Programme:
    return Programme(
        row["programme_id"],
        row["institute_id"],
        row["name"],
        Track(row["track"]),
        row["field"],
        row["hours"],
        row["capacity"],
        float(row["project_work_share"]),
        row["training_site"],
        tuple(row["skills"]),
        tuple(row["employment_includes"]),
    )


async def add_programme(conn: asyncpg.Connection, p: Programme) -> bool:
    done = await conn.fetchval(
        """INSERT INTO programmes (programme_id, institute_id, name, track, field, hours,
                                   capacity, project_work_share, training_site, skills,
                                   employment_includes)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT DO NOTHING RETURNING 1""",
        p.programme_id,
        p.institute_id,
        p.name,
        p.track.value,
        p.field,
        p.hours,
        p.capacity,
        p.project_work_share,
        p.training_site,
        list(p.skills),
        list(p.employment_includes),
    )
    return done is not None


async def get_programme(conn: asyncpg.Connection, programme_id: str) -> Programme | None:
    row = await conn.fetchrow("SELECT * FROM programmes WHERE programme_id = $1", programme_id)
    return _programme(row) if row else None


async def list_programmes(conn: asyncpg.Connection, only: str | None) -> list[Programme]:
    rows = await conn.fetch(
        "SELECT * FROM programmes WHERE $1::text IS NULL OR "
        "institute_id = $1 ORDER BY programme_id",
        only,
    )
    return [_programme(r) for r in rows]


def _cohort(row: asyncpg.Record) -> Cohort:
    return Cohort(
        row["cohort_id"],
        row["programme_id"],
        row["institute_id"],
        row["starts_on"],
        row["ends_on"],
        row["capacity"],
        tuple(row["closed_days"]),
    )


async def add_cohort(conn: asyncpg.Connection, c: Cohort) -> bool:
    done = await conn.fetchval(
        """INSERT INTO cohorts (cohort_id, programme_id, institute_id, starts_on, ends_on,
                                capacity, closed_days)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1""",
        c.cohort_id,
        c.programme_id,
        c.institute_id,
        c.starts_on,
        c.ends_on,
        c.capacity,
        list(c.closed_days),
    )
    return done is not None


async def get_cohort(
    conn: asyncpg.Connection, cohort_id: str, *, lock: bool = False
) -> Cohort | None:
    # FOR UPDATE serialises admissions to one cohort, so two cannot take its last seat.
    sql = "SELECT * FROM cohorts WHERE cohort_id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, cohort_id)
    return _cohort(row) if row else None


async def cohorts_by_id(conn: asyncpg.Connection, ids: list[str]) -> dict[str, Cohort]:
    rows = await conn.fetch("SELECT * FROM cohorts WHERE cohort_id = ANY($1)", ids)
    return {r["cohort_id"]: _cohort(r) for r in rows}


async def list_cohorts(conn: asyncpg.Connection, only: str | None) -> list[Cohort]:
    rows = await conn.fetch(
        "SELECT * FROM cohorts WHERE $1::text IS NULL OR "
        "institute_id = $1 ORDER BY starts_on, cohort_id",
        only,
    )
    return [_cohort(r) for r in rows]


async def seats_taken(conn: asyncpg.Connection, cohort_id: str) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM enrollments WHERE cohort_id = $1 AND status = ANY($2)",
        cohort_id,
        [s.value for s in SEAT_HOLDERS],
    )
    return count


async def status_counts(
    conn: asyncpg.Connection, cohort_ids: list[str]
) -> dict[str, dict[str, int]]:
    rows = await conn.fetch(
        "SELECT cohort_id, status, count(*) AS n FROM enrollments "
        "WHERE cohort_id = ANY($1) GROUP BY cohort_id, status",
        cohort_ids,
    )
    found: dict[str, dict[str, int]] = {c: {} for c in cohort_ids}
    for r in rows:
        found[r["cohort_id"]][r["status"]] = r["n"]
    return found


# ---------------------------------------------------------------- trainees


async def add_trainee(conn: asyncpg.Connection, trainee: Trainee, *, by: str) -> None:
    await conn.execute(
        """INSERT INTO trainees (trainee_id, institute_id, birth_year, region_code, status,
                                 consent_share_with_firms, registered_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        trainee.trainee_id,
        trainee.institute_id,
        trainee.birth_year,
        trainee.region_code,
        trainee.status,
        trainee.consent_share_with_firms,
        trainee.registered_at,
    )
    await conn.execute(
        "INSERT INTO trainee_personal_details (trainee_id, name, email, phone) "
        "VALUES ($1, $2, $3, $4)",
        trainee.trainee_id,
        trainee.personal.name,
        trainee.personal.email,
        trainee.personal.phone,
    )
    await add_consent(
        conn, trainee.trainee_id, trainee.consent_share_with_firms, trainee.registered_at, by=by
    )


async def get_trainee(conn: asyncpg.Connection, trainee_id: str) -> Trainee | None:
    row = await conn.fetchrow(
        """SELECT t.*, p.name, p.email, p.phone
           FROM trainees t LEFT JOIN trainee_personal_details p USING (trainee_id)
           WHERE t.trainee_id = $1""",
        trainee_id,
    )
    if row is None:
        return None
    return Trainee(
        row["trainee_id"],
        row["institute_id"],
        row["birth_year"],
        row["region_code"],
        row["status"],
        row["consent_share_with_firms"],
        row["registered_at"],
        PersonalDetails(row["name"] or "", row["email"], row["phone"]),
    )


async def add_consent(
    conn: asyncpg.Connection, trainee_id: str, share: bool, at: datetime, *, by: str
) -> None:
    await conn.execute(
        "UPDATE trainees SET consent_share_with_firms = $2 WHERE trainee_id = $1", trainee_id, share
    )
    await conn.execute(
        "INSERT INTO consent_history (trainee_id, share_with_firms, "
        "changed_at, changed_by) VALUES ($1, $2, $3, $4)",
        trainee_id,
        share,
        at,
        by,
    )


async def consent_history(conn: asyncpg.Connection, trainee_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT share_with_firms, changed_at, changed_by FROM "
        "consent_history WHERE trainee_id = $1 ORDER BY id",
        trainee_id,
    )
    return [dict(r) for r in rows]


async def erase_personal_details(conn: asyncpg.Connection, trainee_id: str, at: datetime) -> bool:
    await conn.execute("DELETE FROM trainee_personal_details WHERE trainee_id = $1", trainee_id)
    # The first answer to a retried registration is kept for a day (Idempotency-Key): it
    # must not bring the details back.
    await conn.execute(
        """UPDATE idempotency_keys
           SET body = body || '{"name": null, "email": null, "phone": null}'::jsonb
           WHERE body->>'trainee_id' = $1 AND body ? 'name'""",
        trainee_id,
    )
    # A bulk import's reference stays (a re-import must not register the person anew),
    # but not the hash of their details.
    await conn.execute(
        "UPDATE trainee_refs SET fingerprint = NULL WHERE trainee_id = $1", trainee_id
    )
    done = await conn.fetchval(
        "UPDATE trainees SET erased_at = $2 WHERE trainee_id = $1 "
        "AND erased_at IS NULL RETURNING 1",
        trainee_id,
        at,
    )
    return done is not None


# ---------------------------------------------------------------- enrollments


def _enrollment(r: asyncpg.Record) -> Enrollment:
    return Enrollment(
        r["enrollment_id"],
        r["trainee_id"],
        r["institute_id"],
        r["cohort_id"],
        r["applied_on"],
        EnrollmentStatus(r["status"]),
        r["enrolled_on"],
        r["ended_on"],
        DropReason(r["drop_reason"]) if r["drop_reason"] else None,
        r["hired_on"],
    )


async def add_enrollment(conn: asyncpg.Connection, e: Enrollment) -> bool:
    """False when the trainee already has an enrollment in that cohort."""
    done = await conn.fetchval(
        """INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id,
                                    applied_on, status, enrolled_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (trainee_id, cohort_id) DO NOTHING RETURNING 1""",
        e.enrollment_id,
        e.trainee_id,
        e.institute_id,
        e.cohort_id,
        e.applied_on,
        e.status.value,
        e.enrolled_on,
    )
    return done is not None


async def save_enrollment(conn: asyncpg.Connection, e: Enrollment) -> None:
    await conn.execute(
        """UPDATE enrollments SET status = $2, enrolled_on = $3, ended_on = $4,
                  drop_reason = $5, hired_on = $6 WHERE enrollment_id = $1""",
        e.enrollment_id,
        e.status.value,
        e.enrolled_on,
        e.ended_on,
        e.drop_reason.value if e.drop_reason else None,
        e.hired_on,
    )


async def get_enrollment(
    conn: asyncpg.Connection, enrollment_id: str, *, lock: bool = False
) -> Enrollment | None:
    sql = "SELECT * FROM enrollments WHERE enrollment_id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, enrollment_id)
    return _enrollment(row) if row else None


async def enrollments_by_id(
    conn: asyncpg.Connection, ids: list[str], *, share: bool = False
) -> dict[str, Enrollment]:
    """`share`: held against closing until the caller's transaction ends (closing an
    enrollment waits for attendance being recorded, or that attendance sees it closed)."""
    lock = " ORDER BY enrollment_id FOR SHARE" if share else ""
    rows = await conn.fetch(f"SELECT * FROM enrollments WHERE enrollment_id = ANY($1){lock}", ids)
    return {r["enrollment_id"]: _enrollment(r) for r in rows}


async def save_enrollments(conn: asyncpg.Connection, changed: list[Enrollment]) -> None:
    await conn.executemany(
        "UPDATE enrollments SET status = $2, ended_on = $3 WHERE enrollment_id = $1",
        [(e.enrollment_id, e.status.value, e.ended_on) for e in changed],
    )


async def due_for_closing(
    conn: asyncpg.Connection, *, today: date, grace_days: int, limit: int
) -> list[tuple[Enrollment, date]]:
    """Enrollments in training whose cohort ended more than `grace_days` ago, with the
    day the platform learnt of each, locked (those another transaction holds are left for
    the next round). The domain decides which of them are due."""
    rows = await conn.fetch(
        """SELECT e.*, (e.recorded_at AT TIME ZONE 'UTC')::date AS known_on
           FROM enrollments e JOIN cohorts c USING (cohort_id)
           WHERE e.status = 'enrolled' AND c.ends_on + $2::int < $1::date
             AND (e.recorded_at AT TIME ZONE 'UTC')::date + $2::int < $1::date
           ORDER BY e.enrollment_id LIMIT $3
           FOR UPDATE OF e SKIP LOCKED""",
        today,
        grace_days,
        limit,
    )
    return [(_enrollment(r), r["known_on"]) for r in rows]


async def in_training(conn: asyncpg.Connection, cohort_id: str) -> list[Enrollment]:
    rows = await conn.fetch(
        "SELECT * FROM enrollments WHERE cohort_id = $1 AND status = 'enrolled' "
        "ORDER BY enrollment_id FOR UPDATE",
        cohort_id,
    )
    return [_enrollment(r) for r in rows]


# ---------------------------------------------------------------- attendance and surveys


async def attendance_of(
    conn: asyncpg.Connection, enrollment_ids: list[str]
) -> dict[str, dict[date, AttendanceStatus]]:
    rows = await conn.fetch(
        # One index range per enrollment, whatever plan was cached while the table was
        # small (`= ANY($1)` under a generic plan can end up comparing every row with
        # every id: 150 ms per batch of 500 seen in the pipeline bench).
        """SELECT a.enrollment_id, a.day, a.status
           FROM unnest($1::text[]) AS wanted (enrollment_id)
           JOIN attendance a USING (enrollment_id)""",
        enrollment_ids,
    )
    found: dict[str, dict[date, AttendanceStatus]] = {e: {} for e in enrollment_ids}
    for r in rows:
        found[r["enrollment_id"]][r["day"]] = AttendanceStatus(r["status"])
    return found


async def upsert_attendance(
    conn: asyncpg.Connection, rows: list[tuple[str, AttendanceDay]]
) -> None:
    await conn.executemany(
        """INSERT INTO attendance (enrollment_id, day, status, check_in, check_out)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (enrollment_id, day) DO UPDATE SET status = excluded.status,
               check_in = excluded.check_in, check_out = excluded.check_out,
               recorded_at = now()""",
        [(e, d.day, d.status.value, d.check_in, d.check_out) for e, d in rows],
    )


Alert = tuple[str, str, str, str]  # enrollment, scope, period, level


async def alerts_of(conn: asyncpg.Connection, enrollment_ids: list[str]) -> set[Alert]:
    rows = await conn.fetch(
        "SELECT enrollment_id, scope, period, level FROM at_risk_alerts "
        "WHERE enrollment_id = ANY($1)",
        enrollment_ids,
    )
    return {(r["enrollment_id"], r["scope"], r["period"], r["level"]) for r in rows}


async def add_alerts(conn: asyncpg.Connection, alerts: list[tuple[Alert, date]]) -> None:
    await conn.executemany(
        "INSERT INTO at_risk_alerts (enrollment_id, scope, period, level, "
        "detected_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        [(*alert, on) for alert, on in alerts],
    )


async def alerted_enrollments(
    conn: asyncpg.Connection, *, institute_id: str | None, cohort_id: str | None
) -> list[Enrollment]:
    """Enrollments still in training that were ever warned or found at risk."""
    rows = await conn.fetch(
        """SELECT e.* FROM enrollments e
           WHERE e.status = 'enrolled'
             AND ($1::text IS NULL OR e.institute_id = $1)
             AND ($2::text IS NULL OR e.cohort_id = $2)
             AND EXISTS (SELECT 1 FROM at_risk_alerts a WHERE a.enrollment_id = e.enrollment_id)
           ORDER BY e.cohort_id, e.enrollment_id""",
        institute_id,
        cohort_id,
    )
    return [_enrollment(r) for r in rows]


async def upsert_survey(
    conn: asyncpg.Connection, enrollment_id: str, score: int, submitted_on: date
) -> None:
    await conn.execute(
        """INSERT INTO surveys (enrollment_id, score, submitted_on) VALUES ($1, $2, $3)
           ON CONFLICT (enrollment_id) DO UPDATE SET score = excluded.score,
               submitted_on = excluded.submitted_on""",
        enrollment_id,
        score,
        submitted_on,
    )


async def cohort_survey_mean(conn: asyncpg.Connection, cohort_id: str) -> tuple[int, float | None]:
    row = await conn.fetchrow(
        "SELECT count(*) AS n, avg(s.score)::float AS mean FROM surveys s "
        "JOIN enrollments e USING (enrollment_id) WHERE e.cohort_id = $1",
        cohort_id,
    )
    assert row is not None
    return int(row["n"]), row["mean"]
