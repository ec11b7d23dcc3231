"""Institutes, programmes and cohorts: what may be offered, and on which days it runs."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from traintrack.contracts.vocabulary import REGIONS, EmploymentInclusion, RegionCode, Track
from traintrack.enrollment.domain import calendar
from traintrack.platform.errors import Rejected

ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Intensive K-Digital Training courses spend at least 30 % of their hours on projects.
MIN_PROJECT_SHARE_INTENSIVE = 0.30
# What a programme may count with employment besides insured jobs (the national portal
# counts start-ups and non-insured work only where the programme says so).
EMPLOYMENT_KINDS = tuple(EmploymentInclusion)


@dataclass(frozen=True)
class Institute:
    institute_id: str
    name: str
    region_code: RegionCode


@dataclass(frozen=True)
class Programme:
    programme_id: str
    institute_id: str
    name: str
    track: Track
    field: str
    hours: int
    capacity: int
    project_work_share: float
    training_site: str | None
    skills: tuple[str, ...] = ()
    employment_includes: tuple[EmploymentInclusion, ...] = ()


@dataclass(frozen=True)
class Cohort:
    cohort_id: str
    programme_id: str
    institute_id: str
    starts_on: date
    ends_on: date
    capacity: int
    closed_days: tuple[date, ...] = ()

    def training_days(self) -> tuple[date, ...]:
        """The weekdays from the first to the last day, less Korean public holidays
        (substitute holidays included) and the cohort's own closed days."""
        return _training_days(self.starts_on, self.ends_on, self.closed_days)

    def training_days_until(self, day: date) -> tuple[date, ...]:
        days = self.training_days()
        return days[: bisect.bisect_right(days, day)]

    def training_days_in(self, year: int, month: int) -> tuple[date, ...]:
        return _months(self.starts_on, self.ends_on, self.closed_days).get((year, month), ())

    def public_holidays(self) -> tuple[date, ...]:
        """The weekdays of the cohort that are public holidays."""
        return calendar.weekday_holidays(self.starts_on, self.ends_on)

    def runs_on(self, day: date) -> bool:
        return day in self.training_day_set()

    def training_day_set(self) -> frozenset[date]:
        return _day_set(self.starts_on, self.ends_on, self.closed_days)

    def why_not(self, day: date) -> str | None:
        """Why `day` is not a training day of the cohort; None when it is one."""
        if not self.starts_on <= day <= self.ends_on:
            reason = f"lies outside cohort {self.cohort_id} ({self.starts_on} to {self.ends_on})"
        elif day.weekday() >= 5:
            reason = "is a weekend day"
        elif (holiday := calendar.public_holiday(day)) is not None:
            reason = f"is a public holiday ({holiday})"
        elif day in self.closed_days:
            reason = f"is a closed day of cohort {self.cohort_id}"
        else:
            return None
        return f"{day} {reason}: not a training day"


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_COHORT_DAYS = 3 * 366


MAX_CLOSED_DAYS = 60


@functools.lru_cache(maxsize=4096)
def _training_days(first: date, last: date, closed: tuple[date, ...]) -> tuple[date, ...]:
    # Cached: a bulk import asks for a cohort's days once per row.
    off = set(calendar.weekday_holidays(first, last)) | set(closed)
    return tuple(d for d in _weekdays(first, last) if d not in off)


@functools.lru_cache(maxsize=4096)
def _day_set(first: date, last: date, closed: tuple[date, ...]) -> frozenset[date]:
    return frozenset(_training_days(first, last, closed))


@functools.lru_cache(maxsize=1024)
def _months(
    first: date, last: date, closed: tuple[date, ...]
) -> dict[tuple[int, int], tuple[date, ...]]:
    # Cached with the days: every attendance record asks for its month's days.
    found: dict[tuple[int, int], list[date]] = {}
    for day in _training_days(first, last, closed):
        found.setdefault((day.year, day.month), []).append(day)
    return {month: tuple(days) for month, days in found.items()}


@functools.lru_cache(maxsize=4096)
def _weekdays(first: date, last: date) -> tuple[date, ...]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(d for d in days if d.weekday() < 5)


def _check_id(value: str, field: str) -> None:
    if not ID.match(value):
        raise Rejected("must be 2-64 lower-case letters, digits, '.', '_' or '-'", field=field)


def define_institute(*, institute_id: str, name: str, region_code: str) -> Institute:
    _check_id(institute_id, "institute_id")
    if region_code not in REGIONS:
        raise Rejected(f"unknown region code {region_code!r}", field="region_code")
    if not name.strip():
        raise Rejected("must not be blank", field="name")
    return Institute(institute_id, name.strip(), RegionCode(region_code))


def define_programme(
    *,
    programme_id: str,
    institute_id: str,
    name: str,
    track: Track,
    field: str,
    hours: int,
    capacity: int,
    project_work_share: float,
    training_site: str | None = None,
    skills: Sequence[str] = (),
    employment_includes: Sequence[str] = (),
) -> Programme:
    _check_id(programme_id, "programme_id")
    if not 1 <= hours <= 3000:
        raise Rejected("must lie between 1 and 3000", field="hours")
    if not 1 <= capacity <= 2000:
        raise Rejected("must lie between 1 and 2000", field="capacity")
    if not 0 <= project_work_share <= 1:
        raise Rejected("must lie between 0 and 1", field="project_work_share")
    if track is Track.K_DIGITAL_TRAINING and project_work_share < MIN_PROJECT_SHARE_INTENSIVE:
        raise Rejected(
            "K-Digital Training courses spend at least 30 % of their hours on project work",
            field="project_work_share",
        )
    unknown = sorted(set(employment_includes) - set(EMPLOYMENT_KINDS))
    if unknown:
        raise Rejected(
            f"unknown {unknown[0]!r}; one of {', '.join(EMPLOYMENT_KINDS)}",
            field="employment_includes",
        )
    return Programme(
        programme_id,
        institute_id,
        name.strip(),
        track,
        field.strip(),
        hours,
        capacity,
        project_work_share,
        training_site,
        tuple(sorted({s.strip().lower() for s in skills if s.strip()})),
        tuple(k for k in EMPLOYMENT_KINDS if k in employment_includes),
    )


def open_cohort(
    programme: Programme,
    *,
    cohort_id: str,
    starts_on: date,
    ends_on: date,
    capacity: int | None = None,
    closed_days: Sequence[date] = (),
) -> Cohort:
    _check_id(cohort_id, "cohort_id")
    if not EARLIEST <= starts_on <= LATEST:
        raise Rejected(f"must lie between {EARLIEST} and {LATEST}", field="starts_on")
    if ends_on <= starts_on:
        raise Rejected("must come after starts_on", field="ends_on")
    if (ends_on - starts_on).days > MAX_COHORT_DAYS:
        # Every rule walks the cohort's training days: a cohort of centuries (found by
        # schemathesis) tied the API up for seconds per request.
        raise Rejected("a cohort runs for at most three years", field="ends_on")
    seats = programme.capacity if capacity is None else capacity
    if not 1 <= seats <= programme.capacity:
        raise Rejected(
            f"must lie between 1 and the programme's {programme.capacity}", field="capacity"
        )
    cohort = Cohort(
        cohort_id,
        programme.programme_id,
        programme.institute_id,
        starts_on,
        ends_on,
        seats,
        _check_closed_days(closed_days, starts_on, ends_on),
    )
    if not cohort.training_days():
        raise Rejected("the cohort has no weekday to train on", field="ends_on")
    return cohort


def _check_closed_days(days: Sequence[date], starts_on: date, ends_on: date) -> tuple[date, ...]:
    """Extra days off the cohort declares: weekdays within its dates, each once."""
    if len(days) > MAX_CLOSED_DAYS:
        raise Rejected(f"at most {MAX_CLOSED_DAYS} closed days", field="closed_days")
    if len(set(days)) != len(days):
        raise Rejected("a closed day is listed twice", field="closed_days")
    for day in days:
        if not starts_on <= day <= ends_on:
            raise Rejected(f"{day} lies outside the cohort's dates", field="closed_days")
        if day.weekday() >= 5:
            raise Rejected(f"{day} is a weekend day: no training to close", field="closed_days")
    return tuple(sorted(days))
