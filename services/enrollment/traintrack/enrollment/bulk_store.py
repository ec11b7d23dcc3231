"""SQL for bulk onboarding: whole columns in one statement each (unnest), so thousands of
trainees and enrollments cost a handful of round trips."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from traintrack.enrollment.domain.enrollments import SEAT_HOLDERS, Enrollment
from traintrack.enrollment.domain.trainees import Trainee


@dataclass(frozen=True)
class KnownRef:
    trainee_id: str
    fingerprint: str | None  # None once the trainee was erased
    status: str


async def lock_institute(conn: asyncpg.Connection, institute_id: str) -> None:
    """One bulk onboarding per institute at a time (until the transaction ends): two
    imports of one file must not both register its people."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('onboard:' || $1))", institute_id)


async def known_refs(
    conn: asyncpg.Connection, institute_id: str, refs: list[str]
) -> dict[str, KnownRef]:
    rows = await conn.fetch(
        """SELECT r.ref, r.trainee_id, r.fingerprint, t.status
           FROM trainee_refs r JOIN trainees t USING (trainee_id)
           WHERE r.institute_id = $1 AND r.ref = ANY($2)""",
        institute_id,
        refs,
    )
    return {r["ref"]: KnownRef(r["trainee_id"], r["fingerprint"], r["status"]) for r in rows}


async def lock_cohorts(conn: asyncpg.Connection, cohort_ids: list[str]) -> None:
    """Seats are counted under the cohorts' locks (in id order: no deadlock between two
    imports or with single admissions)."""
    await conn.execute(
        "SELECT 1 FROM (SELECT cohort_id FROM cohorts WHERE cohort_id = ANY($1) "
        "ORDER BY cohort_id FOR UPDATE) AS locked",
        cohort_ids,
    )


async def seats_taken(conn: asyncpg.Connection, cohort_ids: list[str]) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT cohort_id, count(*) AS n FROM enrollments WHERE cohort_id = ANY($1) "
        "AND status = ANY($2) GROUP BY cohort_id",
        cohort_ids,
        [s.value for s in SEAT_HOLDERS],
    )
    return {c: 0 for c in cohort_ids} | {r["cohort_id"]: r["n"] for r in rows}


async def enrollments_of(
    conn: asyncpg.Connection, trainee_ids: list[str]
) -> dict[tuple[str, str], str]:
    """(trainee, cohort) -> enrollment id, for these trainees."""
    rows = await conn.fetch(
        "SELECT trainee_id, cohort_id, enrollment_id FROM enrollments WHERE trainee_id = ANY($1)",
        trainee_ids,
    )
    return {(r["trainee_id"], r["cohort_id"]): r["enrollment_id"] for r in rows}


async def add_trainees(conn: asyncpg.Connection, trainees: list[Trainee], *, by: str) -> None:
    if not trainees:
        return
    ids = [t.trainee_id for t in trainees]
    await conn.execute(
        """INSERT INTO trainees (trainee_id, institute_id, birth_year, region_code, status,
                                 consent_share_with_firms, registered_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
                                $6::bool[], $7::timestamptz[])""",
        ids,
        [t.institute_id for t in trainees],
        [t.birth_year for t in trainees],
        [t.region_code for t in trainees],
        [t.status for t in trainees],
        [t.consent_share_with_firms for t in trainees],
        [t.registered_at for t in trainees],
    )
    await conn.execute(
        """INSERT INTO trainee_personal_details (trainee_id, name, email, phone)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])""",
        ids,
        [t.personal.name for t in trainees],
        [t.personal.email for t in trainees],
        [t.personal.phone for t in trainees],
    )
    await conn.execute(
        """INSERT INTO consent_history (trainee_id, share_with_firms, changed_at, changed_by)
           SELECT *, $4 FROM unnest($1::text[], $2::bool[], $3::timestamptz[])""",
        ids,
        [t.consent_share_with_firms for t in trainees],
        [t.registered_at for t in trainees],
        by,
    )


async def add_refs(
    conn: asyncpg.Connection, institute_id: str, refs: list[tuple[str, str, str]]
) -> None:
    """(ref, trainee id, fingerprint) of newly registered trainees."""
    await conn.execute(
        """INSERT INTO trainee_refs (institute_id, ref, trainee_id, fingerprint)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])""",
        institute_id,
        [r for r, _, _ in refs],
        [t for _, t, _ in refs],
        [f for _, _, f in refs],
    )


async def add_enrollments(conn: asyncpg.Connection, enrollments: list[Enrollment]) -> set[str]:
    """The ids inserted: an enrollment made meanwhile by another request wins."""
    rows = await conn.fetch(
        """INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id,
                                    applied_on, status, enrolled_on)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[],
                                $6::text[], $7::date[])
           ON CONFLICT (trainee_id, cohort_id) DO NOTHING RETURNING enrollment_id""",
        [e.enrollment_id for e in enrollments],
        [e.trainee_id for e in enrollments],
        [e.institute_id for e in enrollments],
        [e.cohort_id for e in enrollments],
        [e.applied_on for e in enrollments],
        [e.status.value for e in enrollments],
        [e.enrolled_on for e in enrollments],
    )
    return {r["enrollment_id"] for r in rows}
