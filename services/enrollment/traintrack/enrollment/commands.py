"""What institutes, operators and the clock ask the enrollment service to do: one frozen
dataclass per use case, each carrying who acts.

Institutes' submissions about an existing trainee arrive as the contracts of
`traintrack.contracts.submissions` (over HTTP or Kafka, validated the same way); the
entrypoints turn them into these commands with the actor their key or signature proves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from traintrack.contracts import submissions
from traintrack.contracts.vocabulary import Track
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.onboarding import OnboardRow
from traintrack.enrollment.domain.reports import RowError

__all__ = [
    "Actor",
    "AdmitEnrollment",
    "ApplyEnrollment",
    "ChangeConsent",
    "CloseCohort",
    "CloseDueEnrollments",
    "CompleteEnrollment",
    "CreateInstitute",
    "DefineProgramme",
    "DropEnrollment",
    "EraseTrainee",
    "ImportAttendance",
    "ImportTrainees",
    "OpenCohort",
    "RecordAttendance",
    "RegisterTrainee",
    "SubmitSurvey",
]


def today() -> date:
    return datetime.now(UTC).date()


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CreateInstitute:
    actor: Actor
    institute_id: str
    name: str
    region_code: str


@dataclass(frozen=True)
class DefineProgramme:
    actor: Actor
    programme_id: str
    name: str
    track: Track
    field: str
    hours: int
    capacity: int
    project_work_share: float
    training_site: str | None = None
    skills: tuple[str, ...] = ()
    employment_includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenCohort:
    actor: Actor
    cohort_id: str
    programme_id: str
    starts_on: date
    ends_on: date
    capacity: int | None = None
    closed_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class CloseCohort:
    """Close an ended cohort now, its records being in, rather than after the grace."""

    actor: Actor
    cohort_id: str
    today: date = field(default_factory=today)


# ---------------------------------------------------------------- trainees


@dataclass(frozen=True)
class RegisterTrainee:
    actor: Actor
    birth_year: int
    region_code: str
    status: str
    consent_share_with_firms: bool
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ChangeConsent:
    actor: Actor
    trainee_id: str
    share_with_firms: bool


@dataclass(frozen=True)
class EraseTrainee:
    """Personal details go; the pseudonymous id and the facts stay."""

    actor: Actor
    trainee_id: str


# ---------------------------------------------------------------- enrollments


@dataclass(frozen=True)
class ApplyEnrollment:
    actor: Actor
    trainee_id: str
    cohort_id: str
    applied_on: date
    admit: bool = True


@dataclass(frozen=True)
class AdmitEnrollment:
    actor: Actor
    enrollment_id: str
    enrolled_on: date


@dataclass(frozen=True)
class CompleteEnrollment:
    actor: Actor
    trainee_id: str
    enrollment_id: str
    completed_on: date
    hired_on: date | None = None


@dataclass(frozen=True)
class DropEnrollment:
    actor: Actor
    trainee_id: str
    enrollment_id: str
    dropped_on: date
    reason: str


@dataclass(frozen=True)
class SubmitSurvey:
    actor: Actor
    trainee_id: str
    enrollment_id: str
    score: int
    submitted_on: date


@dataclass(frozen=True)
class RecordAttendance:
    """Training days of one institute, one or thousands: decided row by row (a refused
    row is reported by position, the others recorded), read and written set-wise."""

    actor: Actor
    days: tuple[submissions.RecordAttendance, ...]


@dataclass(frozen=True)
class CloseDueEnrollments:
    """One round of the closing sweep: up to `limit` enrollments whose course and grace
    period are over, completed at >= 80 % or not completed."""

    today: date = field(default_factory=today)
    limit: int = 500


# ---------------------------------------------------------------- bulk imports


@dataclass(frozen=True)
class ImportTrainees:
    """Register and enroll the rows of a CSV; `refused` are those its parser refused."""

    actor: Actor
    rows: tuple[OnboardRow, ...]
    refused: tuple[RowError, ...] = ()


@dataclass(frozen=True)
class ImportAttendance:
    """Record the (row number, day) of a CSV; `refused` are those its parser refused."""

    actor: Actor
    rows: tuple[tuple[int, submissions.RecordAttendance], ...]
    refused: tuple[RowError, ...] = ()


# ---------------------------------------------------------------- retries
