"""Recording attendance, one day or tens of thousands at once, with the at-risk alerts.

The same function serves a single HTTP call, a Kafka submission and a bulk import: rows
are checked one by one (a bad row is reported, the good ones are kept), but the store is
read and written set-wise, a few round trips per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

import asyncpg

from traintrack.contracts.base import EventData
from traintrack.enrollment import events, store
from traintrack.enrollment.commands import Actor, RecordAttendance
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.platform.errors import Conflict, NotFound, Rejected
from traintrack.platform.messaging import outbox


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message: str
    cause: Rejected | None = None  # the refusal itself, to raise again


@dataclass
class BatchResult:
    accepted: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Batch:
    enrollments: dict[str, Enrollment]
    cohorts: dict[str, Cohort]
    records: dict[str, dict[date, rules.AttendanceStatus]]
    alerted: set[store.Alert]


async def _load(conn: asyncpg.Connection, rows: Sequence[RecordAttendance]) -> _Batch:
    ids = sorted({r.enrollment_id for r in rows})
    enrollments = await store.enrollments_by_id(conn, ids, share=True)
    cohorts = await store.cohorts_by_id(conn, sorted({e.cohort_id for e in enrollments.values()}))
    return _Batch(
        enrollments, cohorts, await store.attendance_of(conn, ids), await store.alerts_of(conn, ids)
    )


def _check(row: RecordAttendance, actor: Actor, batch: _Batch) -> rules.AttendanceDay:
    enrollment = batch.enrollments.get(row.enrollment_id)
    if (
        enrollment is None
        or not actor.may_touch(enrollment.institute_id)
        or (enrollment.trainee_id != row.trainee_id)
    ):
        raise NotFound(f"enrollment {row.enrollment_id} of trainee {row.trainee_id}")
    if enrollment.status is not EnrollmentStatus.ENROLLED:
        raise Conflict(
            f"the enrollment is {enrollment.status}; attendance is recorded while enrolled",
            field="enrollment_id",
        )
    day = rules.AttendanceDay(
        row.day, rules.AttendanceStatus(row.status), row.check_in, row.check_out
    )
    rules.check_day(batch.cohorts[enrollment.cohort_id], day)
    return day


async def record_attendance(
    rows: Sequence[RecordAttendance],
    actor: Actor,
    conn: asyncpg.Connection,
    *,
    first_row: int = 1,
    warn_below: Fraction = rules.WARNING_MARGIN,
) -> BatchResult:
    batch = await _load(conn, rows)
    result = BatchResult()
    accepted: list[tuple[str, rules.AttendanceDay]] = []
    for number, row in enumerate(rows, start=first_row):
        try:
            accepted.append((row.enrollment_id, _check(row, actor, batch)))
        except Rejected as refused:
            result.errors.append(
                RowError(number, refused.field or "enrollment_id", refused.detail, refused)
            )
    for enrollment_id, day in accepted:
        batch.records[enrollment_id][day.day] = day.status
    await store.upsert_attendance(conn, accepted)
    emitted = [
        *_recorded_events(accepted, batch),
        *await _new_risks(conn, accepted, batch, warn_below),
    ]
    await outbox.add_events(conn, emitted, source=events.SOURCE)
    result.accepted = len(accepted)
    return result


async def record_one(
    row: RecordAttendance,
    actor: Actor,
    conn: asyncpg.Connection,
    *,
    warn_below: Fraction = rules.WARNING_MARGIN,
) -> None:
    """A single day: its error, if any, is raised rather than reported."""
    result = await record_attendance([row], actor, conn, warn_below=warn_below)
    if result.errors:
        error = result.errors[0]
        refused = error.cause or Rejected(error.message)
        refused.field = error.field
        raise refused


def _recorded_events(
    accepted: list[tuple[str, rules.AttendanceDay]], batch: _Batch
) -> list[EventData]:
    emitted: list[EventData] = []
    for enrollment_id, day in accepted:
        enrollment = batch.enrollments[enrollment_id]
        cohort, records = batch.cohorts[enrollment.cohort_id], batch.records[enrollment_id]
        month_start = day.day.replace(day=1)
        emitted.append(
            events.attendance_recorded(
                enrollment,
                day.day,
                day.status.value,
                rules.to_date_summary(cohort, records, day.day),
                rules.between(cohort, records, month_start, day.day),
            )
        )
    return emitted


async def _new_risks(
    conn: asyncpg.Connection,
    accepted: list[tuple[str, rules.AttendanceDay]],
    batch: _Batch,
    warn_below: Fraction,
) -> list[EventData]:
    latest: dict[str, date] = {}
    touched: dict[str, set[date]] = {}
    for enrollment_id, day in accepted:
        latest[enrollment_id] = max(day.day, latest.get(enrollment_id, day.day))
        touched.setdefault(enrollment_id, set()).add(day.day)
    emitted: list[EventData] = []
    alerts: list[tuple[store.Alert, date]] = []
    for enrollment_id, days in touched.items():
        enrollment = batch.enrollments[enrollment_id]
        cohort, records = batch.cohorts[enrollment.cohort_id], batch.records[enrollment_id]
        risks = {
            (r.scope, r.period): r
            for d in days
            for r in rules.risks_after(cohort, records, d, warn_below)
        }
        for (scope, period), risk in sorted(risks.items()):
            if not _news(batch.alerted, (enrollment_id, scope, period), risk.level):
                continue
            alert = (enrollment_id, scope, period, risk.level.value)
            batch.alerted.add(alert)
            alerts.append((alert, latest[enrollment_id]))
            emitted.append(events.attendance_at_risk(enrollment, risk, latest[enrollment_id]))
    await store.add_alerts(conn, alerts)
    return emitted


def _news(alerted: set[store.Alert], where: tuple[str, str, str], level: rules.RiskLevel) -> bool:
    """Each level is announced once per period; a warning never after 80 % was already
    announced unreachable (a period that jumps past both hears only `unreachable`)."""
    unreachable = (*where, rules.RiskLevel.UNREACHABLE.value) in alerted
    if level is rules.RiskLevel.WARNING:
        return not unreachable and (*where, rules.RiskLevel.WARNING.value) not in alerted
    return not unreachable
