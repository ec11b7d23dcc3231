"""Closing enrollments at the end of their course: completed at >= 80 %, otherwise not
completed, each announced once. The sweep runs every so often (and when an operator asks);
an institute closes one ended cohort once its records are in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from traintrack.contracts.vocabulary import AttendanceStatus
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.enrollments import Enrollment, EnrollmentStatus
from traintrack.platform.errors import Conflict


@dataclass
class Closed:
    completed: int = 0
    not_completed: int = 0
    more: bool = False  # a sweep's round that found as many as it took: another may follow

    def __iadd__(self, other: Closed) -> Closed:
        self.completed += other.completed
        self.not_completed += other.not_completed
        return self


def due(
    found: list[tuple[Enrollment, date]],
    cohorts: Mapping[str, Cohort],
    *,
    today: date,
    grace_days: int,
) -> list[Enrollment]:
    """Of the enrollments found (with the day the platform learnt of each), those whose
    last open day has passed: the store selects by the same rule, the domain has the last
    word."""
    return [
        e
        for e, known_on in found
        if today
        > lifecycle.last_open_day(cohorts[e.cohort_id], known_on=known_on, grace_days=grace_days)
    ]


def close(
    enrollments: list[Enrollment],
    cohorts: Mapping[str, Cohort],
    records: Mapping[str, Mapping[date, AttendanceStatus]],
    today: date,
) -> list[tuple[Enrollment, Fraction]]:
    """Each enrollment ended as of `today`, with its course rate."""
    ended = []
    for enrollment in enrollments:
        cohort = cohorts[enrollment.cohort_id]
        rate = rules.course_summary(cohort, records[enrollment.enrollment_id]).rate
        ended.append(
            (lifecycle.close(enrollment, cohort, attendance_rate=rate, decided_on=today), rate)
        )
    return ended


def check_ended(cohort: Cohort, today: date) -> None:
    """A cohort is closed by hand only after its last day."""
    if today <= cohort.ends_on:
        raise Conflict(
            f"cohort {cohort.cohort_id} runs until {cohort.ends_on}; close it after",
            field="cohort_id",
        )


def tally(ended: list[tuple[Enrollment, Fraction]]) -> Closed:
    completed = sum(e.status is EnrollmentStatus.COMPLETED for e, _ in ended)
    return Closed(completed=completed, not_completed=len(ended) - completed)
