"""Closing enrollments at the end of their course: completed at >= 80 %, otherwise not
completed, each announced once. Run every so often by the API process, by an operator on
demand, and for one ended cohort by its institute once its records are in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from traintrack.contracts.base import EventData
from traintrack.enrollment import events, store
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.platform.errors import Conflict
from traintrack.platform.messaging import outbox

BATCH = 500


@dataclass
class Closed:
    completed: int = 0
    not_completed: int = 0

    def __iadd__(self, other: Closed) -> Closed:
        self.completed += other.completed
        self.not_completed += other.not_completed
        return self


async def close_enrollments(
    conn: asyncpg.Connection, enrollments: list[Enrollment], today: date
) -> Closed:
    """Close `enrollments` (locked by the caller, all still enrolled) as of `today`."""
    cohorts = await store.cohorts_by_id(conn, sorted({e.cohort_id for e in enrollments}))
    records = await store.attendance_of(conn, [e.enrollment_id for e in enrollments])
    done: list[Enrollment] = []
    emitted: list[EventData] = []
    closed = Closed()
    for enrollment in enrollments:
        cohort = cohorts[enrollment.cohort_id]
        rate = rules.course_summary(cohort, records[enrollment.enrollment_id]).rate
        ended = lifecycle.close(enrollment, cohort, attendance_rate=rate, decided_on=today)
        done.append(ended)
        if ended.status is EnrollmentStatus.COMPLETED:
            closed.completed += 1
            emitted.append(events.enrollment_completed(ended, rate))
        else:
            closed.not_completed += 1
            emitted.append(events.enrollment_not_completed(ended, rate, today))
    await store.save_enrollments(conn, done)
    await outbox.add_events(conn, emitted, source=events.SOURCE)
    return closed


async def close_due(pool: asyncpg.Pool, *, today: date, grace_days: int) -> Closed:
    """Every enrollment whose last open day has passed, a batch per transaction."""
    total = Closed()
    while True:
        async with pool.acquire() as conn, conn.transaction():
            found = await store.due_for_closing(
                conn, today=today, grace_days=grace_days, limit=BATCH
            )
            cohorts = await store.cohorts_by_id(conn, sorted({e.cohort_id for e, _ in found}))
            # The query selects by the same rule; the domain has the last word.
            due = [
                e
                for e, known_on in found
                if today
                > lifecycle.last_open_day(
                    cohorts[e.cohort_id], known_on=known_on, grace_days=grace_days
                )
            ]
            if due:
                total += await close_enrollments(conn, due, today)
        if len(found) < BATCH or not due:
            return total


async def close_cohort(conn: asyncpg.Connection, cohort: Cohort, today: date) -> Closed:
    """An ended cohort whose records are in, closed now rather than after the grace."""
    if today <= cohort.ends_on:
        raise Conflict(
            f"cohort {cohort.cohort_id} runs until {cohort.ends_on}; close it after",
            field="cohort_id",
        )
    enrollments = await store.in_training(conn, cohort.cohort_id)
    return await close_enrollments(conn, enrollments, today) if enrollments else Closed()
