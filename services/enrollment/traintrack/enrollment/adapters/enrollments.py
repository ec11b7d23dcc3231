"""Enrollments' SQL: applications, admissions, their ends, surveys. Rows in, domain
objects out; bulk imports write whole columns per statement (unnest)."""

from __future__ import annotations

from datetime import date

import asyncpg

from traintrack.contracts.vocabulary import DropReason
from traintrack.enrollment.adapters.catalogue import cohort_of
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import SEAT_HOLDERS, Enrollment, EnrollmentStatus
from traintrack.platform.db import Connection


def enrollment_of(r: asyncpg.Record) -> Enrollment:
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


class EnrollmentRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def add(self, e: Enrollment) -> bool:
        """False when the trainee already has an enrollment in that cohort."""
        return bool(await self.add_many([e]))

    async def add_many(self, enrollments: list[Enrollment]) -> set[str]:
        """The ids inserted: an enrollment made meanwhile by another request wins."""
        rows = await self._conn.fetch(
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

    async def save(self, e: Enrollment) -> None:
        await self._conn.execute(
            """UPDATE enrollments SET status = $2, enrolled_on = $3, ended_on = $4,
                      drop_reason = $5, hired_on = $6 WHERE enrollment_id = $1""",
            e.enrollment_id,
            e.status.value,
            e.enrolled_on,
            e.ended_on,
            e.drop_reason.value if e.drop_reason else None,
            e.hired_on,
        )

    async def save_closed(self, closed: list[Enrollment]) -> None:
        """Enrollments the closing sweep ended: their status and end only."""
        await self._conn.executemany(
            "UPDATE enrollments SET status = $2, ended_on = $3 WHERE enrollment_id = $1",
            [(e.enrollment_id, e.status.value, e.ended_on) for e in closed],
        )

    async def get(self, enrollment_id: str, *, lock: bool = False) -> Enrollment | None:
        sql = "SELECT * FROM enrollments WHERE enrollment_id = $1"
        row = await self._conn.fetchrow(sql + (" FOR UPDATE" if lock else ""), enrollment_id)
        return enrollment_of(row) if row else None

    async def by_id(self, ids: list[str], *, share: bool = False) -> dict[str, Enrollment]:
        """`share`: held against closing until the caller's transaction ends (closing an
        enrollment waits for attendance being recorded, or that attendance sees it closed)."""
        lock = " ORDER BY enrollment_id FOR SHARE" if share else ""
        rows = await self._conn.fetch(
            f"SELECT * FROM enrollments WHERE enrollment_id = ANY($1){lock}", ids
        )
        return {r["enrollment_id"]: enrollment_of(r) for r in rows}

    async def held_with_cohorts(
        self, ids: list[str]
    ) -> tuple[dict[str, Enrollment], dict[str, Cohort]]:
        """`by_id(ids, share=True)` and those enrollments' cohorts, in one round trip:
        attendance reads both for every request and every batch."""
        rows = await self._conn.fetch(
            """SELECT e AS enrollment, c AS cohort
               FROM enrollments e JOIN cohorts c USING (cohort_id)
               WHERE e.enrollment_id = ANY($1) ORDER BY e.enrollment_id FOR SHARE OF e""",
            ids,
        )
        enrollments = [enrollment_of(r["enrollment"]) for r in rows]
        cohorts = [cohort_of(r["cohort"]) for r in rows]
        return {e.enrollment_id: e for e in enrollments}, {c.cohort_id: c for c in cohorts}

    async def of_trainees(self, trainee_ids: list[str]) -> dict[tuple[str, str], str]:
        """(trainee, cohort) -> enrollment id, for these trainees."""
        rows = await self._conn.fetch(
            "SELECT trainee_id, cohort_id, enrollment_id FROM enrollments "
            "WHERE trainee_id = ANY($1)",
            trainee_ids,
        )
        return {(r["trainee_id"], r["cohort_id"]): r["enrollment_id"] for r in rows}

    async def seats_taken(self, cohort_ids: list[str]) -> dict[str, int]:
        rows = await self._conn.fetch(
            "SELECT cohort_id, count(*) AS n FROM enrollments WHERE cohort_id = ANY($1) "
            "AND status = ANY($2) GROUP BY cohort_id",
            cohort_ids,
            [s.value for s in SEAT_HOLDERS],
        )
        return {c: 0 for c in cohort_ids} | {r["cohort_id"]: r["n"] for r in rows}

    async def due_for_closing(
        self, *, today: date, grace_days: int, limit: int
    ) -> list[tuple[Enrollment, date]]:
        """Enrollments in training whose cohort ended more than `grace_days` ago, with the
        day the platform learnt of each, locked (those another transaction holds are left
        for the next round). The domain decides which of them are due."""
        rows = await self._conn.fetch(
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
        return [(enrollment_of(r), r["known_on"]) for r in rows]

    async def in_training(self, cohort_id: str) -> list[Enrollment]:
        """The cohort's enrollments still in training, locked."""
        rows = await self._conn.fetch(
            "SELECT * FROM enrollments WHERE cohort_id = $1 AND status = 'enrolled' "
            "ORDER BY enrollment_id FOR UPDATE",
            cohort_id,
        )
        return [enrollment_of(r) for r in rows]

    async def upsert_survey(self, enrollment_id: str, score: int, submitted_on: date) -> bool:
        """False when exactly this survey was kept before (nothing changed)."""
        changed = await self._conn.fetchval(
            """INSERT INTO surveys (enrollment_id, score, submitted_on) VALUES ($1, $2, $3)
               ON CONFLICT (enrollment_id) DO UPDATE SET score = excluded.score,
                   submitted_on = excluded.submitted_on
               WHERE (surveys.score, surveys.submitted_on)
                   IS DISTINCT FROM (excluded.score, excluded.submitted_on)
               RETURNING true""",
            enrollment_id,
            score,
            submitted_on,
        )
        return bool(changed)
