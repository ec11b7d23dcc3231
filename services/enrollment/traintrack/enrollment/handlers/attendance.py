"""Attendance days, one batch at a time, and the alerts they raise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction

from traintrack.contracts import submissions
from traintrack.contracts.vocabulary import AttendanceStatus
from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.commands import (
    RecordAttendance,
)
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import recording
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.enrollment.domain.reports import BatchResult, RowError
from traintrack.enrollment.handlers._common import UoW
from traintrack.platform.errors import Rejected


async def record_attendance(
    cmd: RecordAttendance, uow: UoW, *, warn_below: Fraction = rules.WARNING_MARGIN
) -> BatchResult:
    """The days, with the at-risk alerts they raise: each row checked on its own (a refused
    row is reported by its position, from 1), the store read and written set-wise. The
    enrollments are held FOR SHARE: the closing sweep leaves them for its next round."""
    ids = sorted({d.enrollment_id for d in cmd.days})
    enrollments, cohorts = await uow.enrollments.held_with_cohorts(ids)
    since = _since(cmd.days, enrollments)
    records = await uow.attendance.recent(
        since, {e: cohorts[enrollments[e].cohort_id] for e in since}
    )
    result, accepted = BatchResult(), []
    for number, row in enumerate(cmd.days, start=1):
        day = rules.AttendanceDay(
            row.day, AttendanceStatus(row.status), row.check_in, row.check_out
        )
        try:
            recording.check(
                day,
                actor=cmd.actor,
                trainee_id=row.trainee_id,
                enrollment_id=row.enrollment_id,
                enrollment=enrollments.get(row.enrollment_id),
                cohorts=cohorts,
            )
        except Rejected as refused:
            error = RowError(number, refused.field or "enrollment_id", refused.detail, refused)
            result.errors.append(error)
        else:
            accepted.append((row.enrollment_id, day))
    # A day recorded again with the status it has is no news: kept as it is, not announced.
    changed = []
    for enrollment_id, day in accepted:
        recorded = records[enrollment_id].days
        if recorded.get(day.day) != day.status:
            changed.append((enrollment_id, day))
        recorded[day.day] = day.status
    await uow.attendance.upsert(accepted)
    for enrollment_id, day in changed:
        enrollment = enrollments[enrollment_id]
        cohort, days = cohorts[enrollment.cohort_id], records[enrollment_id]
        to_date = rules.to_date_summary(cohort, days, day.day)
        month = rules.between(cohort, days, day.day.replace(day=1), day.day)
        uow.emit(events.attendance_recorded(enrollment, day.day, day.status, to_date, month))
    raised = recording.raised_risks(accepted, enrollments, cohorts, records, warn_below)
    # Most days raise no risk: then there is nothing announced before to read.
    alerted = await uow.attendance.alerts_of(sorted(raised)) if raised else set()
    risks = recording.news(raised, enrollments, alerted)
    await uow.attendance.add_alerts([(r.alert, r.detected_on) for r in risks])
    uow.emit(*(events.attendance_at_risk(r.enrollment, r.risk, r.detected_on) for r in risks))
    result.accepted = len(accepted)
    return result


def _since(
    rows: Sequence[submissions.RecordAttendance], enrollments: Mapping[str, Enrollment]
) -> dict[str, date]:
    """Per enrollment, the first of the month of its earliest day in the batch: the days
    recorded from then on are read one by one, those before only counted."""
    since: dict[str, date] = {}
    for row in rows:
        if row.enrollment_id in enrollments:
            first = row.day.replace(day=1)
            since[row.enrollment_id] = min(first, since.get(row.enrollment_id, first))
    return since
