"""Trainees and enrollments: what may be registered, and how an enrollment starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from traintrack_shared.errors import Rejected
from traintrack_shared.vocabulary import REGIONS

COHORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
YOUNGEST_TRAINEE_AGE = 15
OLDEST_BIRTH_YEAR = 1930


class EnrollmentStatus(StrEnum):
    APPLIED = "applied"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    COMPLETED_EARLY_EMPLOYMENT = "completed_early_employment"
    DROPPED = "dropped"


@dataclass(frozen=True)
class PersonalDetails:
    """Kept only in the enrollment store; never on Kafka."""

    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Trainee:
    trainee_id: str
    institute_id: str
    birth_year: int
    region_code: str
    status: str
    consent_share_with_firms: bool
    registered_at: datetime
    personal: PersonalDetails


@dataclass(frozen=True)
class Enrollment:
    enrollment_id: str
    trainee_id: str
    institute_id: str
    cohort_id: str
    enrolled_on: date
    status: EnrollmentStatus


def register_trainee(
    *,
    trainee_id: str,
    institute_id: str,
    birth_year: int,
    region_code: str,
    status: str,
    consent_share_with_firms: bool,
    personal: PersonalDetails,
    now: datetime,
) -> Trainee:
    if not OLDEST_BIRTH_YEAR <= birth_year <= now.year - YOUNGEST_TRAINEE_AGE:
        raise Rejected(
            f"birth year must lie between {OLDEST_BIRTH_YEAR} and "
            f"{now.year - YOUNGEST_TRAINEE_AGE}",
            field="birth_year",
        )
    if region_code not in REGIONS:
        raise Rejected(f"unknown region code {region_code!r}", field="region_code")
    if not personal.name.strip():
        raise Rejected("name must not be blank", field="name")
    return Trainee(
        trainee_id,
        institute_id,
        birth_year,
        region_code,
        status,
        consent_share_with_firms,
        now,
        personal,
    )


def enroll(
    trainee: Trainee, *, enrollment_id: str, institute_id: str, cohort_id: str, enrolled_on: date
) -> Enrollment:
    if trainee.institute_id != institute_id:
        raise Rejected("the trainee belongs to another institute", field="trainee_id")
    if not COHORT_ID.match(cohort_id):
        raise Rejected("cohort id must be 1-64 letters, digits, '.', '_' or '-'", field="cohort_id")
    return Enrollment(
        enrollment_id,
        trainee.trainee_id,
        institute_id,
        cohort_id,
        enrolled_on,
        EnrollmentStatus.ENROLLED,
    )
