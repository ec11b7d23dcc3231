"""What institutes and operators ask the enrollment service to do.

Commands about an existing trainee are the submission contracts of
`traintrack.contracts.submissions`, so the HTTP API and the Kafka topic validate
them the same way. The rest are HTTP only: they carry personal details or build the
catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from traintrack.contracts.submissions import (
    ChangeConsent,
    CompleteEnrollment,
    DropEnrollment,
    RecordAttendance,
    SubmitSurvey,
)
from traintrack.enrollment.domain.catalogue import Track

__all__ = [
    "Actor",
    "AdmitEnrollment",
    "ApplyEnrollment",
    "ChangeConsent",
    "CompleteEnrollment",
    "CreateInstitute",
    "DefineProgramme",
    "DropEnrollment",
    "OpenCohort",
    "RecordAttendance",
    "RegisterTrainee",
    "SubmitSurvey",
]


@dataclass(frozen=True)
class Actor:
    """Who acts: an institute (its own records only) or an operator (institute_id None)."""

    name: str
    institute_id: str | None

    def may_touch(self, institute_id: str) -> bool:
        return self.institute_id is None or self.institute_id == institute_id


@dataclass(frozen=True)
class CreateInstitute:
    institute_id: str
    name: str
    region_code: str


@dataclass(frozen=True)
class DefineProgramme:
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
    cohort_id: str
    programme_id: str
    starts_on: date
    ends_on: date
    capacity: int | None = None
    closed_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class RegisterTrainee:
    birth_year: int
    region_code: str
    status: str
    consent_share_with_firms: bool
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ApplyEnrollment:
    trainee_id: str
    cohort_id: str
    applied_on: date
    admit: bool = True


@dataclass(frozen=True)
class AdmitEnrollment:
    enrollment_id: str
    enrolled_on: date
