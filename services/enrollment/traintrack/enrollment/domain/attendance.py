"""Attendance rates and the 80 % rules (DOMAIN.md).

- The monthly training incentive is paid for a calendar month whose rate is >= 80 %;
  a course counts as completed at >= 80 % over all its training days.
- Training days are the cohort's weekdays less Korean public holidays (substitute
  holidays included) and its own closed days (see catalogue.Cohort); nothing is recorded
  on the others.
- Rate = attended days / (training days - excused days). Excused days (official leave)
  count neither for nor against the trainee.
- A late arrival counts as attended, but every third late arrival in a period costs one
  day, as the national portal counts them.
- A trainee is *at risk* for a period as soon as even perfect attendance on every
  training day not yet recorded could no longer lift the period to 80 % (level
  `unreachable`); they are *warned* earlier, while 80 % is still in reach but the best
  possible rate has fallen below a margin (level `warning`; 85 % by default).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from fractions import Fraction

from traintrack.contracts.vocabulary import AttendanceStatus, RiskLevel, RiskScope
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.platform.errors import Rejected

THRESHOLD = Fraction(4, 5)
WARNING_MARGIN = Fraction(17, 20)  # the default: warn below 85 % best possible
LATES_PER_LOST_DAY = 3


@dataclass(frozen=True)
class AttendanceDay:
    day: date
    status: AttendanceStatus
    check_in: time | None = None
    check_out: time | None = None


@dataclass(frozen=True)
class PeriodSummary:
    training_days: int
    excused: int
    attended: int
    unrecorded: int

    @property
    def countable(self) -> int:
        return self.training_days - self.excused

    @property
    def rate(self) -> Fraction:
        """Attendance over the period, unrecorded days counting as missed."""
        return Fraction(self.attended, self.countable) if self.countable else Fraction(1)

    @property
    def best_possible(self) -> Fraction:
        """The rate if every unrecorded training day is attended from here on."""
        if not self.countable:
            return Fraction(1)
        return Fraction(self.attended + self.unrecorded, self.countable)

    @property
    def at_risk(self) -> bool:
        return self._best_below(THRESHOLD)

    def risk(self, warn_below: Fraction) -> RiskLevel | None:
        """How far the period is from 80 %: None while its best possible rate is at or
        above `warn_below`."""
        if self.at_risk:
            return RiskLevel.UNREACHABLE
        if self._best_below(warn_below):
            return RiskLevel.WARNING
        return None

    def _best_below(self, rate: Fraction) -> bool:
        # best_possible < rate, in integers: asked twice per period of every recorded day.
        best = self.attended + self.unrecorded
        return best * rate.denominator < rate.numerator * self.countable


def check_day(cohort: Cohort, record: AttendanceDay) -> None:
    if not cohort.runs_on(record.day):
        raise Rejected(cohort.why_not(record.day) or "not a training day", field="day")
    if record.status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED):
        if record.check_in or record.check_out:
            raise Rejected(f"an {record.status} day has no check-in or check-out", field="check_in")
    elif record.check_in is None:
        raise Rejected(f"a {record.status} day needs a check-in time", field="check_in")
    if record.check_in and record.check_out and record.check_out <= record.check_in:
        raise Rejected("must come after check_in", field="check_out")


def _summary(training: int, counts: Counter[AttendanceStatus]) -> PeriodSummary:
    """A period of `training` days, given how often each status was recorded on them."""
    late = counts[AttendanceStatus.LATE]
    attended = counts[AttendanceStatus.PRESENT] + late - late // LATES_PER_LOST_DAY
    unrecorded = training - sum(counts.values())
    return PeriodSummary(training, counts[AttendanceStatus.EXCUSED], attended, unrecorded)


@dataclass(frozen=True)
class RecentAttendance:
    """An enrollment's attendance as a batch of new days needs it: how often each status
    was recorded on the training days before `since`, and every day recorded from `since`
    on. Reading the whole course for each enrollment of every batch made a day cost more
    the further the course had run (4.7 times the time for 4 times the days)."""

    since: date
    earlier: Counter[AttendanceStatus]
    days: dict[date, AttendanceStatus]

    def counts(self, cohort: Cohort, first: date, last: date) -> Counter[AttendanceStatus]:
        """The statuses on training days from `first` to `last`: a period from `since` on,
        or one from the start of the course to a day from the eve of `since` on."""
        runs = cohort.training_day_set()
        recent = Counter(s for d, s in self.days.items() if first <= d <= last and d in runs)
        if first >= self.since:
            return recent
        if first <= cohort.starts_on and last >= self.since - timedelta(days=1):
            return self.earlier + recent
        raise ValueError(f"{first} to {last} is not known from the days since {self.since}")


Records = Mapping[date, AttendanceStatus] | RecentAttendance


def between(cohort: Cohort, records: Records, first: date, last: date) -> PeriodSummary:
    """The cohort's training days from `first` to `last`, as `summarize` counts them, but
    in time proportional to the records rather than to the days: the worker summarises
    every enrollment of every batch, and a course has far more days than a batch has
    records of one trainee."""
    days = cohort.training_days()
    training = bisect.bisect_right(days, last) - bisect.bisect_left(days, first)
    if isinstance(records, RecentAttendance):
        return _summary(training, records.counts(cohort, first, last))
    runs = cohort.training_day_set()
    return _summary(
        training, Counter(s for d, s in records.items() if first <= d <= last and d in runs)
    )


def summarize(days: Iterable[date], records: Mapping[date, AttendanceStatus]) -> PeriodSummary:
    listed = list(days)
    return _summary(len(listed), Counter(records[d] for d in listed if d in records))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_summary(cohort: Cohort, records: Records, month: str) -> PeriodSummary:
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    last = date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)
    return between(cohort, records, first, last)


def course_summary(cohort: Cohort, records: Records) -> PeriodSummary:
    return between(cohort, records, cohort.starts_on, cohort.ends_on)


def to_date_summary(cohort: Cohort, records: Records, as_of: date) -> PeriodSummary:
    """Training days up to `as_of` only: the rate so far."""
    return between(cohort, records, cohort.starts_on, as_of)


@dataclass(frozen=True)
class Risk:
    scope: RiskScope
    period: str  # "2026-05" or the cohort id
    summary: PeriodSummary
    level: RiskLevel = RiskLevel.UNREACHABLE


def risks_after(
    cohort: Cohort,
    records: Records,
    day: date,
    warn_below: Fraction = THRESHOLD,
) -> list[Risk]:
    """The periods touched by a record on `day` that can no longer reach 80 %, or whose
    best possible rate fell below `warn_below` (by default, no warnings)."""
    found = []
    month = month_summary(cohort, records, month_of(day))
    course = course_summary(cohort, records)
    for scope, period, summary in (
        (RiskScope.MONTH, month_of(day), month),
        (RiskScope.COURSE, cohort.cohort_id, course),
    ):
        level = summary.risk(warn_below)
        if level is not None:
            found.append(Risk(scope, period, summary, level))
    return found


def current_risks(
    cohort: Cohort, records: Mapping[date, AttendanceStatus], warn_below: Fraction
) -> list[Risk]:
    """Every month of the cohort and the course, as far as they are at risk now."""
    periods = [
        (RiskScope.MONTH, m, month_summary(cohort, records, m))
        for m in sorted({month_of(d) for d in cohort.training_days()})
    ]
    periods.append((RiskScope.COURSE, cohort.cohort_id, course_summary(cohort, records)))
    return [
        Risk(scope, period, summary, level)
        for scope, period, summary in periods
        if (level := summary.risk(warn_below)) is not None
    ]
