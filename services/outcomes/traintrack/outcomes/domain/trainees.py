"""The first slice's trainee view: trainees and their enrollments as the enrollment service
announced them, with the event behind each row (operators trace a trainee with it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class TraineeEntry:
    trainee_id: str
    institute_id: str
    birth_year: int
    region_code: str
    status: str
    registered_at: datetime
    source_event_id: str


@dataclass(frozen=True)
class EnrollmentEntry:
    enrollment_id: str
    trainee_id: str
    institute_id: str
    cohort_id: str
    enrolled_on: date
    event_time: datetime
    source_event_id: str
