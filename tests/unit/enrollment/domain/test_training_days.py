"""Training days (weekdays less Korean public holidays, substitute holidays included, and a
cohort's own closed days), the 80 % boundary on them, the warning before 80 % is lost, and
closing at the course's end. Every expected day below is written out from the 2024 and
2025 calendars."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from traintrack.contracts.vocabulary import AttendanceStatus, DropReason, Track
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain.attendance import (
    WARNING_MARGIN,
    AttendanceDay,
    check_day,
    course_summary,
    month_summary,
    risks_after,
)
from traintrack.enrollment.domain.calendar import public_holiday
from traintrack.enrollment.domain.catalogue import define_programme, open_cohort
from traintrack.platform.errors import Conflict, Rejected

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT
PROGRAMME = define_programme(
    programme_id="prog",
    institute_id="inst",
    name="AI",
    track=Track.K_DIGITAL_CREDIT,
    field="AI",
    hours=80,
    capacity=30,
    project_work_share=0.1,
)
# Mon 29 Sep .. Mon 20 Oct 2025: 16 weekdays. Off: Fri 3 Oct (National Foundation Day),
# Mon 6 - Tue 7 Oct (Chuseok), Wed 8 Oct (substitute: the day before Chuseok fell on a
# Sunday), Thu 9 Oct (Hangul Day), and the cohort's own closed day, Fri 10 Oct.
CHUSEOK = open_cohort(
    PROGRAMME,
    cohort_id="chuseok-2025",
    starts_on=date(2025, 9, 29),
    ends_on=date(2025, 10, 20),
    closed_days=[date(2025, 10, 10)],
)
CHUSEOK_DAYS = [
    date(2025, 9, 29),
    date(2025, 9, 30),
    date(2025, 10, 1),
    date(2025, 10, 2),
    date(2025, 10, 13),
    date(2025, 10, 14),
    date(2025, 10, 15),
    date(2025, 10, 16),
    date(2025, 10, 17),
    date(2025, 10, 20),
]
# Mon 5 .. Fri 16 Feb 2024: Fri 9 Feb (the day before Seollal) and Mon 12 Feb (substitute:
# Seollal's second day fell on a Sunday) are off.
SEOLLAL = open_cohort(
    PROGRAMME, cohort_id="seollal-2024", starts_on=date(2024, 2, 5), ends_on=date(2024, 2, 16)
)


def test_the_package_knows_the_substitute_holidays():
    assert public_holiday(date(2024, 5, 6)) is not None  # for Children's Day, a Sunday
    assert public_holiday(date(2025, 3, 3)) is not None  # for Independence Movement Day
    assert public_holiday(date(2025, 10, 8)) is not None  # for Chuseok
    assert public_holiday(date(2025, 10, 10)) is None


def test_a_cohort_over_chuseok_trains_on_ten_days():
    assert list(CHUSEOK.training_days()) == CHUSEOK_DAYS
    assert CHUSEOK.public_holidays() == (
        date(2025, 10, 3),
        date(2025, 10, 6),
        date(2025, 10, 7),
        date(2025, 10, 8),
        date(2025, 10, 9),
    )


def test_a_cohort_over_seollal_trains_on_eight_days():
    assert list(SEOLLAL.training_days()) == [
        date(2024, 2, 5),
        date(2024, 2, 6),
        date(2024, 2, 7),
        date(2024, 2, 8),
        date(2024, 2, 13),
        date(2024, 2, 14),
        date(2024, 2, 15),
        date(2024, 2, 16),
    ]


@pytest.mark.parametrize(
    ("cohort", "day", "says"),
    [
        (SEOLLAL, date(2024, 2, 12), "public holiday"),
        (CHUSEOK, date(2025, 10, 8), "public holiday"),
        (CHUSEOK, date(2025, 10, 10), "closed day"),
        (CHUSEOK, date(2025, 10, 11), "weekend"),
        (CHUSEOK, date(2025, 10, 21), "outside"),
    ],
)
def test_attendance_on_a_day_off_is_refused_naming_the_day(cohort, day, says):
    with pytest.raises(Rejected) as refused:
        check_day(cohort, AttendanceDay(day, A))
    assert refused.value.field == "day"
    assert says in refused.value.detail


def test_months_count_their_own_training_days_only():
    assert month_summary(CHUSEOK, {}, "2025-09").training_days == 2
    assert month_summary(CHUSEOK, {}, "2025-10").training_days == 8


def test_a_record_on_a_day_off_counts_for_nothing():
    """A record kept from before a day became a holiday (or was closed) is left out."""
    records = dict.fromkeys(CHUSEOK_DAYS, P) | {date(2025, 10, 8): A, date(2025, 10, 10): A}
    summary = course_summary(CHUSEOK, records)
    assert (summary.training_days, summary.attended, summary.rate) == (10, 10, 1)


def test_eight_of_ten_days_is_exactly_80_percent_and_completes():
    records = dict.fromkeys(CHUSEOK_DAYS[:8], P) | dict.fromkeys(CHUSEOK_DAYS[8:], A)
    summary = course_summary(CHUSEOK, records)
    assert summary.rate == Fraction(8, 10)
    assert not summary.at_risk
    done = lifecycle.complete(
        _enrolled(), CHUSEOK, completed_on=date(2025, 10, 20), attendance_rate=summary.rate
    )
    assert done.status is lifecycle.EnrollmentStatus.COMPLETED


def test_seven_of_ten_days_is_one_day_under_and_does_not_complete():
    records = dict.fromkeys(CHUSEOK_DAYS[:7], P) | dict.fromkeys(CHUSEOK_DAYS[7:], A)
    summary = course_summary(CHUSEOK, records)
    assert summary.rate == Fraction(7, 10)
    assert summary.at_risk
    with pytest.raises(Rejected) as refused:
        lifecycle.complete(
            _enrolled(), CHUSEOK, completed_on=date(2025, 10, 20), attendance_rate=summary.rate
        )
    assert refused.value.field == "attendance"


def test_two_absences_keep_80_percent_in_reach_and_three_do_not():
    two = course_summary(CHUSEOK, dict.fromkeys(CHUSEOK_DAYS[:2], A))
    three = course_summary(CHUSEOK, dict.fromkeys(CHUSEOK_DAYS[:3], A))
    assert (two.best_possible, two.at_risk) == (Fraction(8, 10), False)
    assert (three.best_possible, three.at_risk) == (Fraction(7, 10), True)


@pytest.mark.parametrize(
    ("closed", "says"),
    [
        ([date(2025, 9, 26)], "outside"),
        ([date(2025, 10, 21)], "outside"),
        ([date(2025, 10, 11)], "weekend"),
        ([date(2025, 10, 10), date(2025, 10, 10)], "twice"),
        ([date(2025, 9, 29) + timedelta(n) for n in range(61)], "at most 60"),
    ],
)
def test_closed_days_must_be_weekdays_of_the_cohort_each_once(closed, says):
    with pytest.raises(Rejected) as refused:
        open_cohort(
            PROGRAMME,
            cohort_id="c-bad",
            starts_on=date(2025, 9, 29),
            ends_on=date(2025, 10, 20),
            closed_days=closed,
        )
    assert refused.value.field == "closed_days"
    assert says in refused.value.detail


def test_a_cohort_closed_on_every_remaining_weekday_has_nothing_to_train_on():
    with pytest.raises(Rejected) as refused:
        open_cohort(
            PROGRAMME,
            cohort_id="c-closed",
            starts_on=date(2025, 10, 6),
            ends_on=date(2025, 10, 10),
            closed_days=[date(2025, 10, 10)],
        )
    assert refused.value.field == "ends_on"


def _enrolled() -> lifecycle.Enrollment:
    applied = lifecycle.apply(
        enrollment_id="en-1",
        trainee_id="tr-1",
        trainee_institute="inst",
        cohort=CHUSEOK,
        applied_on=date(2025, 9, 15),
    )
    return lifecycle.admit(applied, CHUSEOK, seats_taken=0, enrolled_on=date(2025, 9, 29))


# ---------------------------------------------------------------- warnings before 80 % is lost

# Mon 1 .. Fri 26 Sep 2025: 20 training days (no holiday), all in one month.
SEPTEMBER = open_cohort(
    PROGRAMME, cohort_id="sep-2025", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 26)
)
WARN_BELOW = Fraction(85, 100)


def _levels(absences: int) -> list[tuple[str, str, str]]:
    days = SEPTEMBER.training_days()
    records = dict.fromkeys(days[:absences], A)
    return [
        (r.scope, r.period, r.level.value)
        for r in risks_after(SEPTEMBER, records, days[absences - 1], WARN_BELOW)
    ]


def test_a_best_possible_rate_of_exactly_85_percent_brings_no_warning():
    assert _levels(3) == []  # 17/20 at best


def test_one_day_more_brings_a_warning_while_80_percent_is_still_in_reach():
    # 16/20 = 80 % at best: still reachable, below the margin.
    assert _levels(4) == [
        ("month", "2025-09", "warning"),
        ("course", "sep-2025", "warning"),
    ]


def test_one_day_more_again_makes_80_percent_unreachable():
    assert _levels(5) == [
        ("month", "2025-09", "unreachable"),
        ("course", "sep-2025", "unreachable"),
    ]


def test_the_warning_rate_setting_is_read_as_the_decimal_written():
    from traintrack.enrollment.settings import EnrollmentSettings

    assert EnrollmentSettings(at_risk_warning_rate=0.85).warn_below == Fraction(17, 20)
    assert EnrollmentSettings().warn_below == WARNING_MARGIN == Fraction(17, 20)


# ---------------------------------------------------------------- closing at the course's end


def test_an_enrollment_stays_open_through_the_last_grace_day_and_closes_the_day_after():
    # The Chuseok cohort ends Mon 20 Oct 2025; seven days of grace: open through 27 Oct.
    last = lifecycle.last_open_day(CHUSEOK, known_on=date(2025, 9, 15), grace_days=7)
    assert last == date(2025, 10, 27)


def test_an_enrollment_brought_in_after_the_end_gets_the_grace_from_that_day():
    last = lifecycle.last_open_day(CHUSEOK, known_on=date(2025, 11, 3), grace_days=7)
    assert last == date(2025, 11, 10)


def test_closing_at_exactly_80_percent_completes_on_the_cohorts_last_day():
    closed = lifecycle.close(
        _enrolled(), CHUSEOK, attendance_rate=Fraction(8, 10), decided_on=date(2025, 10, 28)
    )
    assert (closed.status, closed.ended_on) == (
        lifecycle.EnrollmentStatus.COMPLETED,
        date(2025, 10, 20),
    )


def test_closing_one_day_under_80_percent_is_not_completed_and_final():
    closed = lifecycle.close(
        _enrolled(), CHUSEOK, attendance_rate=Fraction(7, 10), decided_on=date(2025, 10, 28)
    )
    assert (closed.status, closed.ended_on) == (
        lifecycle.EnrollmentStatus.NOT_COMPLETED,
        date(2025, 10, 20),
    )
    with pytest.raises(Conflict):
        lifecycle.complete(
            closed, CHUSEOK, completed_on=date(2025, 10, 28), attendance_rate=Fraction(1)
        )
    with pytest.raises(Conflict):
        lifecycle.drop(closed, dropped_on=date(2025, 10, 28), reason=DropReason.OTHER)
    with pytest.raises(Conflict):
        lifecycle.close(
            closed, CHUSEOK, attendance_rate=Fraction(7, 10), decided_on=date(2025, 10, 29)
        )


def test_a_course_still_running_is_not_closed():
    with pytest.raises(Conflict) as refused:
        lifecycle.close(
            _enrolled(), CHUSEOK, attendance_rate=Fraction(1), decided_on=date(2025, 10, 20)
        )
    assert refused.value.field == "cohort_id"
