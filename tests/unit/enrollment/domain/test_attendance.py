import random
from collections import Counter
from datetime import date, time

import pytest

from traintrack.contracts.vocabulary import AttendanceStatus
from traintrack.enrollment.domain.attendance import (
    AttendanceDay,
    RecentAttendance,
    between,
    check_day,
    course_summary,
    month_summary,
    risks_after,
    summarize,
    to_date_summary,
)
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.platform.errors import Rejected

P, L, A, E = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)
# Mon 2026-03-02 .. Fri 2026-04-10. Monday 2 March is the substitute holiday for
# Independence Movement Day (Sunday 1 March): 21 training days in March, 8 in April.
COHORT = Cohort("kdt-1", "prog", "inst", date(2026, 3, 2), date(2026, 4, 10), 30)
MARCH = [d for d in COHORT.training_days() if d.month == 3]
APRIL = [d for d in COHORT.training_days() if d.month == 4]


def test_training_days_are_the_weekdays_of_the_course_less_public_holidays():
    assert len(MARCH) == 21 and len(APRIL) == 8
    assert MARCH[0] == date(2026, 3, 3)
    assert all(d.weekday() < 5 for d in COHORT.training_days())


def test_a_month_counts_only_its_own_training_days():
    records = dict.fromkeys(MARCH, P) | dict.fromkeys(APRIL[:2], A)
    march, april = (
        month_summary(COHORT, records, "2026-03"),
        month_summary(COHORT, records, "2026-04"),
    )
    assert (march.training_days, march.attended, march.rate) == (21, 21, 1)
    assert (april.training_days, april.attended, april.unrecorded) == (8, 0, 6)


def test_excused_days_leave_the_denominator():
    records = dict.fromkeys(MARCH, P) | {MARCH[0]: E, MARCH[1]: E, MARCH[2]: A}
    march = month_summary(COHORT, records, "2026-03")
    assert march.countable == 19
    assert march.rate == pytest.approx(18 / 19)


def test_every_third_late_arrival_costs_a_day():
    records = dict.fromkeys(MARCH, P) | dict.fromkeys(MARCH[:7], L)
    assert month_summary(COHORT, records, "2026-03").attended == 21 - 2


def test_a_month_is_at_risk_once_perfect_attendance_can_no_longer_reach_80_percent():
    # March has 21 training days; 80 % of them is 16.8.
    four_absent = dict.fromkeys(MARCH[:4], A)
    five_absent = dict.fromkeys(MARCH[:5], A)
    assert not month_summary(COHORT, four_absent, "2026-03").at_risk  # 17/21 = 81.0 %
    assert month_summary(COHORT, five_absent, "2026-03").at_risk  # 16/21 = 76.2 %


def test_risk_names_the_month_and_the_course_separately():
    # April has 8 days: two absences there put the month at risk (6/8 = 75 %), not the course.
    risks = risks_after(COHORT, dict.fromkeys(APRIL[:2], A), APRIL[1])
    assert [(r.scope, r.period) for r in risks] == [("month", "2026-04")]
    many = dict.fromkeys(COHORT.training_days()[:7], A)  # 22/29 = 75.9 % at best
    scopes = {r.scope for r in risks_after(COHORT, many, COHORT.training_days()[6])}
    assert "course" in scopes


def test_the_rate_to_date_ignores_days_still_to_come():
    records = dict.fromkeys(MARCH[:10], P) | {MARCH[10]: A}
    so_far = to_date_summary(COHORT, records, MARCH[10])
    assert (so_far.training_days, so_far.attended) == (11, 10)
    assert course_summary(COHORT, records).unrecorded == 29 - 11


def test_a_day_outside_the_course_on_a_weekend_or_a_holiday_is_refused():
    for day in (date(2026, 3, 7), date(2026, 4, 13), date(2026, 2, 27), date(2026, 3, 2)):
        with pytest.raises(Rejected) as refused:
            check_day(COHORT, AttendanceDay(day, P, time(9), time(18)))
        assert refused.value.field == "day"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (AttendanceDay(date(2026, 3, 3), P), "check_in"),
        (AttendanceDay(date(2026, 3, 3), A, time(9)), "check_in"),
        (AttendanceDay(date(2026, 3, 3), P, time(18), time(9)), "check_out"),
    ],
)
def test_check_in_and_out_must_fit_the_status(record, field):
    with pytest.raises(Rejected) as refused:
        check_day(COHORT, record)
    assert refused.value.field == field


def test_present_late_and_absent_days_with_fitting_times_are_accepted():
    check_day(COHORT, AttendanceDay(date(2026, 3, 3), P, time(8, 55), time(18)))
    check_day(COHORT, AttendanceDay(date(2026, 3, 3), L, time(9, 40)))
    check_day(COHORT, AttendanceDay(date(2026, 3, 3), A))


@pytest.mark.parametrize("seed", range(25))
def test_counting_by_records_agrees_with_counting_day_by_day(seed):
    """`between` (what the worker uses) must equal `summarize` over the same days."""
    rng = random.Random(seed)
    days = COHORT.training_days()
    records = {d: rng.choice([P, L, A, E]) for d in rng.sample(days, rng.randint(0, len(days)))}
    first, last = sorted(rng.sample(days, 2))
    for start, end in (
        (first, last),
        (COHORT.starts_on, last),
        (date(2026, 4, 1), date(2026, 4, 30)),
    ):
        by_day = summarize([d for d in days if start <= d <= end], records)
        assert between(COHORT, records, start, end) == by_day


def test_a_december_month_ends_on_the_31st():
    winter = Cohort("kdt-w", "prog", "inst", date(2026, 12, 1), date(2027, 1, 29), 30)
    december = [d for d in winter.training_days() if d.month == 12]
    records = dict.fromkeys(december, P)
    summary = month_summary(winter, records, "2026-12")
    # 23 weekdays, less Christmas Day (a Friday).
    assert summary.training_days == len(december) == 22
    assert summary.attended == 22 and summary.unrecorded == 0


# A batch reads the days from the first of a month on, and only counts those before.
SINCE = date(2026, 4, 1)


def _recent(
    earlier: Counter[AttendanceStatus], days: dict[date, AttendanceStatus]
) -> RecentAttendance:
    return RecentAttendance(SINCE, earlier, days)


def test_recent_attendance_summarises_the_course_from_counts_before_and_days_since():
    # March: 18 present, 2 late, 1 excused (on 21 days); April so far: 2 present, 1 absent.
    recent = _recent(Counter({P: 18, L: 2, E: 1}), {APRIL[0]: P, APRIL[1]: A, APRIL[2]: P})
    to_date = to_date_summary(COHORT, recent, APRIL[2])
    assert (to_date.training_days, to_date.excused, to_date.attended) == (24, 1, 22)
    assert to_date.unrecorded == 0
    course = course_summary(COHORT, recent)
    assert (course.training_days, course.attended, course.unrecorded) == (29, 22, 5)
    april = month_summary(COHORT, recent, "2026-04")
    assert (april.training_days, april.attended, april.unrecorded) == (8, 2, 5)


def test_recent_attendance_reaches_back_to_the_eve_of_since_and_no_further():
    recent = _recent(Counter({P: 21}), {APRIL[0]: A})
    eve = to_date_summary(COHORT, recent, date(2026, 3, 31))
    assert (eve.training_days, eve.attended, eve.unrecorded) == (21, 21, 0)
    with pytest.raises(ValueError, match="not known"):
        to_date_summary(COHORT, recent, date(2026, 3, 30))
    # March began before the course did: its days are all counted.
    assert month_summary(COHORT, recent, "2026-03").attended == 21
    with pytest.raises(ValueError, match="not known"):
        between(COHORT, recent, date(2026, 3, 31), date(2026, 4, 10))


def test_recent_attendance_ignores_its_days_that_are_not_training_days():
    # 4 April is a Saturday: a day kept from before a calendar change, say.
    recent = _recent(Counter({P: 21}), {APRIL[0]: P, date(2026, 4, 4): P, date(2026, 4, 3): L})
    april = month_summary(COHORT, recent, "2026-04")
    assert (april.attended, april.unrecorded) == (2, 6)
