"""The enrollment lifecycle:

    applied -> enrolled -> completed                    (>= 80 % attendance, after the end)
                        -> completed_early_employment   (hired before the course ended)
                        -> dropped                      (with a reason)
                        -> not_completed                (closed below 80 %, see `close`)
    applied -> dropped

Every other move is refused. Seats are counted at admission.

Closing: when the cohort has ended and its grace period for late attendance has passed,
an enrollment still `enrolled` is closed for good. At >= 80 % over the course it is
completed on the cohort's last day (a course counts as completed at 80 %, DOMAIN.md);
below, it did not complete (미수료). An application never admitted is left as it is: it
never trained, so it neither completes nor fails to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from traintrack.contracts.vocabulary import DropReason
from traintrack.enrollment.domain.attendance import THRESHOLD
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.platform.errors import Conflict, Rejected


class EnrollmentStatus(StrEnum):
    APPLIED = "applied"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    COMPLETED_EARLY_EMPLOYMENT = "completed_early_employment"
    DROPPED = "dropped"
    NOT_COMPLETED = "not_completed"


ALLOWED: dict[EnrollmentStatus, frozenset[EnrollmentStatus]] = {
    EnrollmentStatus.APPLIED: frozenset({EnrollmentStatus.ENROLLED, EnrollmentStatus.DROPPED}),
    EnrollmentStatus.ENROLLED: frozenset(
        {
            EnrollmentStatus.COMPLETED,
            EnrollmentStatus.COMPLETED_EARLY_EMPLOYMENT,
            EnrollmentStatus.DROPPED,
            EnrollmentStatus.NOT_COMPLETED,
        }
    ),
}

# Seats are taken by everyone admitted and not dropped.
SEAT_HOLDERS = frozenset(
    {
        EnrollmentStatus.ENROLLED,
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.COMPLETED_EARLY_EMPLOYMENT,
        EnrollmentStatus.NOT_COMPLETED,
    }
)


@dataclass(frozen=True)
class Enrollment:
    enrollment_id: str
    trainee_id: str
    institute_id: str
    cohort_id: str
    applied_on: date
    status: EnrollmentStatus
    enrolled_on: date | None = None
    ended_on: date | None = None
    drop_reason: DropReason | None = None
    hired_on: date | None = None


def _move(enrollment: Enrollment, to: EnrollmentStatus) -> None:
    if to not in ALLOWED.get(enrollment.status, frozenset()):
        raise Conflict(
            f"an enrollment that is {enrollment.status} cannot become {to}", field="status"
        )


def apply(
    *, enrollment_id: str, trainee_id: str, trainee_institute: str, cohort: Cohort, applied_on: date
) -> Enrollment:
    if trainee_institute != cohort.institute_id:
        raise Rejected("the trainee belongs to another institute", field="trainee_id")
    if applied_on > cohort.ends_on:
        raise Rejected("the cohort has already ended", field="applied_on")
    return Enrollment(
        enrollment_id,
        trainee_id,
        cohort.institute_id,
        cohort.cohort_id,
        applied_on,
        EnrollmentStatus.APPLIED,
    )


def admit(
    enrollment: Enrollment, cohort: Cohort, *, seats_taken: int, enrolled_on: date
) -> Enrollment:
    _move(enrollment, EnrollmentStatus.ENROLLED)
    if seats_taken >= cohort.capacity:
        raise Conflict(
            f"cohort {cohort.cohort_id} is full ({cohort.capacity} seats)", field="cohort_id"
        )
    if enrolled_on > cohort.ends_on:
        raise Rejected("the cohort has already ended", field="enrolled_on")
    return replace(enrollment, status=EnrollmentStatus.ENROLLED, enrolled_on=enrolled_on)


def complete(
    enrollment: Enrollment, cohort: Cohort, *, completed_on: date, attendance_rate: Fraction
) -> Enrollment:
    _move(enrollment, EnrollmentStatus.COMPLETED)
    if completed_on < cohort.ends_on:
        raise Rejected(f"the course runs until {cohort.ends_on}", field="completed_on")
    if attendance_rate < THRESHOLD:
        raise Rejected(
            f"attendance {float(attendance_rate):.1%} is below 80 %; record the "
            "missing days or drop the enrollment",
            field="attendance",
        )
    return replace(enrollment, status=EnrollmentStatus.COMPLETED, ended_on=completed_on)


def complete_through_employment(
    enrollment: Enrollment, cohort: Cohort, *, hired_on: date
) -> Enrollment:
    """Early employment: hired before the course ends, counted as a completer."""
    _move(enrollment, EnrollmentStatus.COMPLETED_EARLY_EMPLOYMENT)
    if hired_on > cohort.ends_on:
        raise Rejected(
            "hired after the course ended: complete it and report the employment instead",
            field="hired_on",
        )
    if enrollment.enrolled_on and hired_on < enrollment.enrolled_on:
        raise Rejected("must not come before the enrollment", field="hired_on")
    return replace(
        enrollment,
        status=EnrollmentStatus.COMPLETED_EARLY_EMPLOYMENT,
        ended_on=hired_on,
        hired_on=hired_on,
    )


def drop(enrollment: Enrollment, *, dropped_on: date, reason: DropReason) -> Enrollment:
    _move(enrollment, EnrollmentStatus.DROPPED)
    if dropped_on < enrollment.applied_on:
        raise Rejected("must not come before the application", field="dropped_on")
    return replace(
        enrollment, status=EnrollmentStatus.DROPPED, ended_on=dropped_on, drop_reason=reason
    )


def last_open_day(cohort: Cohort, *, known_on: date, grace_days: int) -> date:
    """The last day an enrollment still takes late attendance, completion or drop-out:
    the cohort's end plus the grace period, or, for an enrollment the platform learnt of
    only after the end (records brought in late), that day plus the grace period."""
    return max(cohort.ends_on, known_on) + timedelta(days=grace_days)


def close(
    enrollment: Enrollment, cohort: Cohort, *, attendance_rate: Fraction, decided_on: date
) -> Enrollment:
    """Completed on the cohort's last day at >= 80 %, otherwise not completed."""
    if decided_on <= cohort.ends_on:
        raise Conflict(f"the course runs until {cohort.ends_on}", field="cohort_id")
    if attendance_rate >= THRESHOLD:
        return complete(
            enrollment, cohort, completed_on=cohort.ends_on, attendance_rate=attendance_rate
        )
    _move(enrollment, EnrollmentStatus.NOT_COMPLETED)
    return replace(enrollment, status=EnrollmentStatus.NOT_COMPLETED, ended_on=cohort.ends_on)
