"""SQL for what the evaluation service knows of enrollment (cohorts and enrollments, from
its events) and for team projects, on a unit of work's connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from traintrack.evaluation.domain.enrollment import Cohort, EnrollmentFacts
from traintrack.evaluation.domain.project import Project
from traintrack.evaluation.domain.scheme import Scheme
from traintrack.platform.db import Connection


class CohortRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def open(self, cohort: Cohort, scheme: Scheme) -> None:
        """Know the cohort, pinned to `scheme` now; a repeated or corrected CohortOpened
        keeps the pin (only an operator moves it)."""
        await self._conn.execute(
            """INSERT INTO cohorts (cohort_id, programme_id, institute_id, scheme_id,
                   scheme_version)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cohort_id) DO UPDATE
               SET programme_id = excluded.programme_id, institute_id = excluded.institute_id,
                   scheme_id = coalesce(cohorts.scheme_id, excluded.scheme_id),
                   scheme_version = coalesce(cohorts.scheme_version, excluded.scheme_version)""",
            cohort.cohort_id,
            cohort.programme_id,
            cohort.institute_id,
            scheme.scheme_id,
            scheme.version,
        )

    async def get(self, cohort_id: str) -> Cohort | None:
        row = await self._conn.fetchrow(
            "SELECT cohort_id, programme_id, institute_id, scheme_id, scheme_version "
            "FROM cohorts WHERE cohort_id = $1",
            cohort_id,
        )
        return Cohort(**dict(row)) if row else None

    async def pin(self, cohort_id: str, scheme: Scheme) -> None:
        await self._conn.execute(
            "UPDATE cohorts SET scheme_id = $2, scheme_version = $3 WHERE cohort_id = $1",
            cohort_id,
            scheme.scheme_id,
            scheme.version,
        )

    async def hold(self, cohort_id: str) -> None:
        """Moves of one cohort's scheme take turns, to the end of the transaction."""
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))", f"cohort:{cohort_id}"
        )


_FACTS = "SELECT e.*, c.programme_id FROM enrollments e LEFT JOIN cohorts c USING (cohort_id)"


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


class EnrollmentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, facts: EnrollmentFacts) -> None:
        """Know the enrollment, with the attendance rate that arrived before it (if any)."""
        await self._conn.execute(
            """WITH ahead AS (DELETE FROM attendance_ahead WHERE enrollment_id = $1
                              RETURNING rate)
               INSERT INTO enrollments (enrollment_id, trainee_id, cohort_id, institute_id,
                                        attendance_rate)
               VALUES ($1, $2, $3, $4, (SELECT rate FROM ahead))
               ON CONFLICT (enrollment_id) DO UPDATE SET
               cohort_id = excluded.cohort_id, institute_id = excluded.institute_id""",
            facts.enrollment_id,
            facts.trainee_id,
            facts.cohort_id,
            facts.institute_id,
        )

    async def end(self, enrollment_id: str, ending: str, final_rate: float | None) -> bool:
        """Whether the enrollment is known; its final rate (when given) replaces the rate."""
        values: dict[str, Any] = {"ending": ending}
        if final_rate is not None:
            values["attendance_rate"] = final_rate
        assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(values, start=2))
        done = await self._conn.fetchval(
            f"UPDATE enrollments SET {assignments} WHERE enrollment_id = $1 RETURNING 1",
            enrollment_id,
            *values.values(),
        )
        return done is not None

    async def record_attendance(self, rates: Mapping[str, float]) -> list[str]:
        """Each enrollment's rate to date, where it still runs: once it has ended, its final
        rate (sent with the ending) stays, whatever late attendance day arrives after it.
        Attendance comes on a topic of its own and may overtake the enrollment it is about:
        then the rate waits in `attendance_ahead` for `add`. The running ones."""
        ids = sorted(rates)
        rows = await self._conn.fetch(
            """WITH day AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS d(id, rate)),
               running AS (
                   UPDATE enrollments e SET attendance_rate = day.rate FROM day
                   WHERE e.enrollment_id = day.id AND e.ending IS NULL
                   RETURNING e.enrollment_id),
               ahead AS (
                   INSERT INTO attendance_ahead (enrollment_id, rate)
                   SELECT id, rate FROM day
                   WHERE NOT EXISTS (SELECT FROM enrollments e WHERE e.enrollment_id = day.id)
                   ON CONFLICT (enrollment_id) DO UPDATE SET rate = excluded.rate)
               SELECT enrollment_id FROM running""",
            ids,
            [rates[i] for i in ids],
        )
        return [r["enrollment_id"] for r in rows]

    async def get(self, enrollment_id: str, *, lock: bool = False) -> EnrollmentFacts | None:
        """`lock`: hold the enrollment's row to the end of the transaction, so that two
        re-decisions of one enrollment (evidence and attendance at once) never interleave."""
        suffix = " FOR UPDATE OF e" if lock else ""
        row = await self._conn.fetchrow(
            f"{_FACTS} WHERE e.enrollment_id = $1{suffix}", enrollment_id
        )
        return _facts(row) if row else None

    async def of_trainee(self, trainee_id: str) -> list[EnrollmentFacts]:
        rows = await self._conn.fetch(
            f"{_FACTS} WHERE e.trainee_id = $1 ORDER BY e.seq", trainee_id
        )
        return [_facts(r) for r in rows]

    async def of_cohort(self, cohort_id: str) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT enrollment_id FROM enrollments WHERE cohort_id = $1 ORDER BY seq", cohort_id
        )
        return [r["enrollment_id"] for r in rows]


class ProjectRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, project: Project) -> bool:
        """False when a project of that id exists."""
        done = await self._conn.fetchval(
            """INSERT INTO projects (project_id, programme_id, institute_id, firm_id, title, team)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1""",
            project.project_id,
            project.programme_id,
            project.institute_id,
            project.firm_id,
            project.title,
            list(project.team),
        )
        return done is not None

    async def get(self, project_id: str) -> Project | None:
        row = await self._conn.fetchrow(
            "SELECT project_id, programme_id, institute_id, firm_id, title, team "
            "FROM projects WHERE project_id = $1",
            project_id,
        )
        return Project(**{**dict(row), "team": tuple(row["team"])}) if row else None

    async def firm_assesses(self, firm_id: str, trainee_id: str, programme_id: str | None) -> bool:
        """Whether the firm gave a project of the programme with the trainee on it."""
        found = await self._conn.fetchval(
            "SELECT 1 FROM projects WHERE firm_id = $1 AND $2 = ANY(team) AND programme_id = $3",
            firm_id,
            trainee_id,
            programme_id,
        )
        return found is not None
