"""What institutes ask the enrollment service to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RegisterTrainee:
    institute_id: str
    birth_year: int
    region_code: str
    status: str
    consent_share_with_firms: bool
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class EnrollTrainee:
    institute_id: str
    trainee_id: str
    cohort_id: str
    enrolled_on: date
