"""Training days: one at a time, from CSV by the thousand, and the rates they make."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from traintrack.contracts import attendance_csv, submissions
from traintrack.enrollment.commands import ImportAttendance, RecordAttendance
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain.reports import RowError
from traintrack.enrollment.entrypoints.api.csv_body import CSV_BODY, read_csv
from traintrack.enrollment.entrypoints.api.deps import Bus, InstituteActor, ReaderActor, ViewsDep
from traintrack.enrollment.entrypoints.api.schemas import (
    AttendanceReport,
    ImportReport,
    PeriodRate,
    RowErrorPublic,
)
from traintrack.platform.errors import Rejected
from traintrack.platform.web.models import DayQuery, IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["enrollments"])


@router.post("/attendance", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
async def record_attendance(
    body: submissions.RecordAttendance, bus: Bus, actor: InstituteActor
) -> submissions.RecordAttendance:
    """Record (or correct) one training day."""
    result = await bus.handle(RecordAttendance(actor, (body,)))
    result.raise_first()
    return body


@router.post("/imports/attendance", openapi_extra=CSV_BODY)
async def import_attendance(request: Request, bus: Bus, actor: InstituteActor) -> ImportReport:
    """Import attendance rows from CSV (columns: trainee_id, enrollment_id, day, status,
    check_in, check_out). Good rows are kept, bad rows reported with their number."""
    lines = (await read_csv(request)).splitlines()
    good: list[tuple[int, submissions.RecordAttendance]] = []
    bad: list[RowError] = []
    for number, parsed in attendance_csv.parse(lines):
        if isinstance(parsed, attendance_csv.BadRow):
            bad.append(RowError(parsed.row, parsed.field, parsed.message))
        else:
            good.append((number, parsed))
    if bad and bad[0].row == 0:
        raise Rejected(bad[0].message, field=bad[0].field)
    report = await bus.handle(ImportAttendance(actor, tuple(good), tuple(bad)))
    return ImportReport(
        rows=report.rows,
        accepted=report.accepted,
        rejected=report.rejected,
        errors=[RowErrorPublic(row=e.row, field=e.field, message=e.message) for e in report.errors],
    )


@router.get("/enrollments/{enrollment_id}/attendance")
async def attendance_report(
    enrollment_id: IdPath, views: ViewsDep, actor: ReaderActor, as_of: DayQuery = None
) -> AttendanceReport:
    """Attendance rates: to date, per month and over the course, with the 80 % risk."""
    found = await views.attendance(actor, enrollment_id, as_of)
    return AttendanceReport(
        enrollment_id=enrollment_id,
        status=found.enrollment.status.value,
        to_date=_rate(f"until {found.as_of}", found.to_date),
        course=_rate(found.enrollment.cohort_id, found.course),
        months=[_rate(m, summary) for m, summary in found.months],
    )


def _rate(period: str, summary: rules.PeriodSummary) -> PeriodRate:
    return PeriodRate(
        period=period,
        training_days=summary.training_days,
        excused=summary.excused,
        attended=summary.attended,
        unrecorded=summary.unrecorded,
        rate=round(float(summary.rate), 4),
        best_possible=round(float(summary.best_possible), 4),
        at_risk=summary.at_risk,
    )
