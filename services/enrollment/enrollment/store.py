"""SQL for trainees and enrollments (asyncpg). Rows in, domain objects out."""

from __future__ import annotations

import asyncpg

from enrollment.domain.trainees import Enrollment, EnrollmentStatus, PersonalDetails, Trainee


async def add_trainee(conn: asyncpg.Connection, trainee: Trainee) -> None:
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


async def add_enrollment(conn: asyncpg.Connection, enrollment: Enrollment) -> bool:
    """False when the trainee is already enrolled in that cohort."""
    done = await conn.fetchval(
        """INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id,
                                    enrolled_on, status)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (trainee_id, cohort_id) DO NOTHING RETURNING 1""",
        enrollment.enrollment_id,
        enrollment.trainee_id,
        enrollment.institute_id,
        enrollment.cohort_id,
        enrollment.enrolled_on,
        enrollment.status.value,
    )
    return done is not None


async def enrollments_of(conn: asyncpg.Connection, trainee_id: str) -> list[Enrollment]:
    rows = await conn.fetch(
        "SELECT * FROM enrollments WHERE trainee_id = $1 ORDER BY enrolled_on, enrollment_id",
        trainee_id,
    )
    return [
        Enrollment(
            r["enrollment_id"],
            r["trainee_id"],
            r["institute_id"],
            r["cohort_id"],
            r["enrolled_on"],
            EnrollmentStatus(r["status"]),
        )
        for r in rows
    ]
