"""The read side: what the GET routes answer, on connections of its own (no transaction,
no events). An institute reads its own records; another's are not found."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import asyncpg
from opentelemetry import trace

from traintrack.contracts.vocabulary import RiskLevel
from traintrack.enrollment.adapters.attendance import AttendanceRepository
from traintrack.enrollment.adapters.catalogue import (
    CatalogueRepository,
    cohort_of,
    institute_of,
    programme_of,
)
from traintrack.enrollment.adapters.enrollments import EnrollmentRepository, enrollment_of
from traintrack.enrollment.adapters.trainees import TraineeRepository
from traintrack.enrollment.commands import today
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.catalogue import Cohort, Institute, Programme
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.enrollment.domain.trainees import Trainee
from traintrack.platform.db import Connection
from traintrack.platform.errors import NotFound


@dataclass(frozen=True)
class AttendanceView:
    enrollment: Enrollment
    as_of: date
    to_date: rules.PeriodSummary
    course: rules.PeriodSummary
    months: list[tuple[str, rules.PeriodSummary]]


@dataclass(frozen=True)
class AtRisk:
    enrollment: Enrollment
    level: RiskLevel  # the worst of its periods
    to_date: rules.PeriodSummary
    course: rules.PeriodSummary
    risks: list[rules.Risk]


class Views:
    def __init__(self, pool: asyncpg.Pool, *, warn_below: Fraction = rules.WARNING_MARGIN):
        self._pool = pool
        self._warn_below = warn_below

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Connection]:
        async with self._pool.acquire() as conn:
            yield conn

    # ------------------------------------------------------------ catalogue

    async def institutes(self, actor: Actor) -> list[Institute]:
        rows = await self._pool.fetch(
            "SELECT * FROM institutes WHERE $1::text IS NULL OR "
            "institute_id = $1 ORDER BY institute_id",
            actor.institute_id,
        )
        return [institute_of(r) for r in rows]

    async def programmes(self, actor: Actor) -> list[Programme]:
        rows = await self._pool.fetch(
            "SELECT * FROM programmes WHERE $1::text IS NULL OR "
            "institute_id = $1 ORDER BY programme_id",
            actor.institute_id,
        )
        return [programme_of(r) for r in rows]

    async def cohorts(self, actor: Actor) -> list[tuple[Cohort, dict[str, int]]]:
        """Each cohort with its enrollments by status."""
        async with self._read() as conn:
            rows = await conn.fetch(
                "SELECT * FROM cohorts WHERE $1::text IS NULL OR "
                "institute_id = $1 ORDER BY starts_on, cohort_id",
                actor.institute_id,
            )
            found = [cohort_of(r) for r in rows]
            counts = await _status_counts(conn, [c.cohort_id for c in found])
        return [(c, counts[c.cohort_id]) for c in found]

    async def cohort(self, actor: Actor, cohort_id: str) -> tuple[Cohort, dict[str, int]]:
        async with self._read() as conn:
            cohort = await _visible_cohort(conn, actor, cohort_id)
            counts = await _status_counts(conn, [cohort_id])
        return cohort, counts[cohort_id]

    async def satisfaction(self, actor: Actor, cohort_id: str) -> tuple[int, float | None]:
        """Survey responses and their mean score."""
        async with self._read() as conn:
            await _visible_cohort(conn, actor, cohort_id)
            row = await conn.fetchrow(
                "SELECT count(*) AS n, avg(s.score)::float AS mean FROM surveys s "
                "JOIN enrollments e USING (enrollment_id) WHERE e.cohort_id = $1",
                cohort_id,
            )
        assert row is not None
        return int(row["n"]), row["mean"]

    # ------------------------------------------------------------ trainees

    async def trainee(self, actor: Actor, trainee_id: str) -> Trainee:
        async with self._read() as conn:
            return await _visible_trainee(conn, actor, trainee_id)

    async def consent_history(self, actor: Actor, trainee_id: str) -> list[dict[str, Any]]:
        """Every consent given or withdrawn, oldest first."""
        async with self._read() as conn:
            await _visible_trainee(conn, actor, trainee_id)
            rows = await conn.fetch(
                "SELECT share_with_firms, changed_at, changed_by FROM "
                "consent_history WHERE trainee_id = $1 ORDER BY id",
                trainee_id,
            )
        return [dict(r) for r in rows]

    # ------------------------------------------------------------ enrollments

    async def enrollment(self, actor: Actor, enrollment_id: str) -> Enrollment:
        async with self._read() as conn:
            return await _visible_enrollment(conn, actor, enrollment_id)

    async def attendance(
        self, actor: Actor, enrollment_id: str, as_of: date | None
    ) -> AttendanceView:
        """Rates to date, over the course and per month of the course."""
        async with self._read() as conn:
            enrollment = await _visible_enrollment(conn, actor, enrollment_id)
            cohort = await CatalogueRepository(conn).get_cohort(enrollment.cohort_id)
            records = (await AttendanceRepository(conn).of([enrollment_id]))[enrollment_id]
        assert cohort is not None
        as_of = as_of or today()
        months = sorted({rules.month_of(d) for d in cohort.training_days()})
        return AttendanceView(
            enrollment,
            as_of,
            rules.to_date_summary(cohort, records, as_of),
            rules.course_summary(cohort, records),
            [(m, rules.month_summary(cohort, records, m)) for m in months],
        )

    async def at_risk(
        self, actor: Actor, *, cohort_id: str | None, level: RiskLevel | None
    ) -> list[AtRisk]:
        """Enrollments in training at risk now (ever alerted, and still so), of the given
        level if any."""
        async with self._read() as conn:
            rows = await conn.fetch(
                """SELECT e.* FROM enrollments e
                   WHERE e.status = 'enrolled'
                     AND ($1::text IS NULL OR e.institute_id = $1)
                     AND ($2::text IS NULL OR e.cohort_id = $2)
                     AND EXISTS (SELECT 1 FROM at_risk_alerts a
                                 WHERE a.enrollment_id = e.enrollment_id)
                   ORDER BY e.cohort_id, e.enrollment_id""",
                actor.institute_id,
                cohort_id,
            )
            found = [enrollment_of(r) for r in rows]
            cohorts = await CatalogueRepository(conn).cohorts_by_id(
                sorted({e.cohort_id for e in found})
            )
            records = await AttendanceRepository(conn).of([e.enrollment_id for e in found])
        listed = []
        for enrollment in found:
            cohort, kept = cohorts[enrollment.cohort_id], records[enrollment.enrollment_id]
            risks = rules.current_risks(cohort, kept, self._warn_below)
            worst = max((r.level for r in risks), key=list(RiskLevel).index, default=None)
            if worst is None or (level is not None and worst is not level):
                continue
            summaries = (
                rules.to_date_summary(cohort, kept, today()),
                rules.course_summary(cohort, kept),
            )
            listed.append(AtRisk(enrollment, worst, *summaries, risks))
        return listed


async def _status_counts(conn: Connection, cohort_ids: list[str]) -> dict[str, dict[str, int]]:
    rows = await conn.fetch(
        "SELECT cohort_id, status, count(*) AS n FROM enrollments "
        "WHERE cohort_id = ANY($1) GROUP BY cohort_id, status",
        cohort_ids,
    )
    found: dict[str, dict[str, int]] = {c: {} for c in cohort_ids}
    for r in rows:
        found[r["cohort_id"]][r["status"]] = r["n"]
    return found


async def _visible_cohort(conn: Connection, actor: Actor, cohort_id: str) -> Cohort:
    cohort = await CatalogueRepository(conn).get_cohort(cohort_id)
    if cohort is None or not actor.may_touch(cohort.institute_id):
        raise NotFound(f"cohort {cohort_id}")
    return cohort


async def _visible_trainee(conn: Connection, actor: Actor, trainee_id: str) -> Trainee:
    trainee = await TraineeRepository(conn).get(trainee_id)
    if trainee is None or not actor.may_touch(trainee.institute_id):
        raise NotFound(f"trainee {trainee_id}")
    return trainee


async def _visible_enrollment(conn: Connection, actor: Actor, enrollment_id: str) -> Enrollment:
    enrollment = await EnrollmentRepository(conn).get(enrollment_id)
    if enrollment is None or not actor.may_touch(enrollment.institute_id):
        raise NotFound(f"enrollment {enrollment_id}")
    trace.get_current_span().set_attribute("traintrack.trainee_id", enrollment.trainee_id)
    return enrollment
