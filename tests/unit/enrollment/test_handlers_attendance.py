"""Handlers of attendance: a batch of days decided row by row, the at-risk alerts, and
the CSV import."""

from datetime import date, time
from fractions import Fraction

import pytest

from tests.unit.enrollment.conftest import INSTITUTE, enrolled, handle, training_days
from traintrack.contracts import enrollment as contracts
from traintrack.contracts.submissions import RecordAttendance as Day
from traintrack.enrollment.commands import ImportAttendance, RecordAttendance
from traintrack.enrollment.domain.enrollments import EnrollmentStatus
from traintrack.enrollment.domain.reports import RowError
from traintrack.platform.errors import Conflict, NotFound, Rejected

SATURDAY = date(2026, 4, 11)


def day(on, status="present", enrollment="en-1", trainee="tr-1"):
    check_in = time(9, 0) if status in ("present", "late") else None
    return Day(
        trainee_id=trainee, enrollment_id=enrollment, day=on, status=status, check_in=check_in
    )


async def test_good_rows_are_recorded_and_bad_ones_reported_by_position(uow):
    enrolled(uow, "en-1", "tr-1")
    enrolled(uow, "en-2", "tr-2", status=EnrollmentStatus.DROPPED)
    enrolled(uow, "en-b", "tr-b", cohort_id="c-b")
    first = training_days()[0]
    rows = (
        day(first),
        day(SATURDAY),
        day(first, enrollment="en-b", trainee="tr-b"),
        day(first, enrollment="en-2", trainee="tr-2"),
    )
    result = await handle(uow, RecordAttendance(INSTITUTE, rows))
    assert result.accepted == 1
    assert [(e.row, e.field, type(e.cause)) for e in result.errors] == [
        (2, "day", Rejected),
        (3, "enrollment_id", NotFound),
        (4, "enrollment_id", Conflict),
    ]
    assert "weekend" in result.errors[0].message
    assert list(uow.attendance.days) == ["en-1"]
    assert uow.enrollments.shared == ["en-1", "en-2", "en-b"]  # held from the closing sweep
    [recorded] = uow.published
    assert isinstance(recorded, contracts.AttendanceRecorded)
    assert (recorded.enrollment_id, recorded.day, recorded.status) == ("en-1", first, "present")
    assert (recorded.rate_to_date, recorded.month_rate) == (1.0, 1.0)


async def test_a_day_recorded_again_with_its_status_is_accepted_and_announced_once(uow):
    enrolled(uow)
    first = training_days()[0]
    answers = [await handle(uow, RecordAttendance(INSTITUTE, (day(first),))) for _ in "12"]
    assert [a.accepted for a in answers] == [1, 1]  # the same answer both times
    assert [(e.day, e.status) for e in uow.published] == [(first, "present")]
    # Twice in one batch: the second is no news either.
    await handle(uow, RecordAttendance(INSTITUTE, (day(first), day(first))))
    assert len(uow.published) == 1


async def test_a_day_recorded_again_with_another_status_is_a_change_and_announced(uow):
    enrolled(uow)
    first = training_days()[0]
    await handle(uow, RecordAttendance(INSTITUTE, (day(first),)))
    await handle(uow, RecordAttendance(INSTITUTE, (day(first, status="absent"),)))
    assert [(e.day, e.status) for e in uow.published] == [(first, "present"), (first, "absent")]
    assert uow.attendance.days["en-1"][first].status == "absent"


async def test_a_single_days_refusal_is_raised_as_it_came(uow):
    enrolled(uow)
    result = await handle(uow, RecordAttendance(INSTITUTE, (day(SATURDAY),)))
    with pytest.raises(Rejected, match="weekend") as refused:
        result.raise_first()
    assert refused.value.field == "day"
    assert uow.published == []


async def test_each_risk_level_is_announced_once_per_period(uow):
    enrolled(uow)
    days = training_days()
    await handle(uow, RecordAttendance(INSTITUTE, (day(days[0], "absent"),)))
    assert uow.published_types() == ["traintrack.enrollment.attendance-recorded.v2"]
    uow.published.clear()
    # Two absences of ten: 80 % still in reach, but below the 85 % margin.
    await handle(uow, RecordAttendance(INSTITUTE, (day(days[1], "absent"),)))
    risks = [e for e in uow.published if isinstance(e, contracts.AttendanceAtRisk)]
    assert [(r.scope, r.period, r.level, r.best_possible_rate, r.detected_on) for r in risks] == [
        ("course", "c-a", "warning", 0.8, days[1]),
        ("month", "2026-04", "warning", 0.8, days[1]),
    ]
    uow.published.clear()
    # A third: 80 % out of reach; a fourth: nothing new to announce.
    await handle(uow, RecordAttendance(INSTITUTE, (day(days[2], "absent"), day(days[3], "absent"))))
    risks = [e for e in uow.published if isinstance(e, contracts.AttendanceAtRisk)]
    assert [(r.scope, r.level, r.best_possible_rate, r.detected_on) for r in risks] == [
        ("course", "unreachable", 0.6, days[3]),
        ("month", "unreachable", 0.6, days[3]),
    ]
    uow.published.clear()
    await handle(uow, RecordAttendance(INSTITUTE, (day(days[4], "absent"),)))
    assert uow.published_types() == ["traintrack.enrollment.attendance-recorded.v2"]
    assert sorted(level for (_, _, _, level) in uow.attendance.alerts) == [
        "unreachable",
        "unreachable",
        "warning",
        "warning",
    ]


async def test_the_alerts_announced_before_are_read_only_for_enrollments_at_risk(uow):
    enrolled(uow, "en-1", "tr-1")
    enrolled(uow, "en-2", "tr-2")
    days = training_days()
    await handle(
        uow, RecordAttendance(INSTITUTE, (day(days[0]), day(days[0], "absent", "en-2", "tr-2")))
    )
    assert uow.attendance.alerts_read == []  # no day raised a risk: nothing to read
    await handle(
        uow, RecordAttendance(INSTITUTE, (day(days[1]), day(days[1], "absent", "en-2", "tr-2")))
    )
    assert uow.attendance.alerts_read == [["en-2"]]


async def test_the_warning_margin_comes_from_the_settings(uow):
    enrolled(uow)
    days = training_days()
    await handle(
        uow,
        RecordAttendance(INSTITUTE, (day(days[0], "absent"),)),
        warn_below=Fraction(19, 20),
    )
    risks = [e for e in uow.published if isinstance(e, contracts.AttendanceAtRisk)]
    assert [(r.scope, r.level) for r in risks] == [("course", "warning"), ("month", "warning")]


async def test_an_attendance_import_reports_the_parsers_and_its_own_refusals_by_csv_row(uow):
    enrolled(uow)
    first = training_days()[0]
    command = ImportAttendance(
        INSTITUTE,
        rows=((2, day(first)), (5, day(SATURDAY))),
        refused=(RowError(3, "status", "Input should be 'present', 'late', ..."),),
    )
    report = await handle(uow, command)
    assert (report.rows, report.accepted, report.rejected) == (3, 1, 2)
    assert [(e.row, e.field) for e in report.errors] == [(3, "status"), (5, "day")]
    assert uow.published_types() == ["traintrack.enrollment.attendance-recorded.v2"]
