"""Events the enrollment service emits on enrollment.events.v1. No personal details here."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from traintrack_shared.contracts.base import EventData
from traintrack_shared.topics import ENROLLMENT_EVENTS, Topic
from traintrack_shared.vocabulary import RegionCode, TraineeStatus


class TraineeRegistered(EventData):
    """A training institute registered a trainee; the platform issued the pseudonymous id."""

    type: ClassVar[str] = "traintrack.enrollment.trainee-registered.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str = Field(description="Pseudonymous trainee id issued by the platform.")
    institute_id: str
    birth_year: int = Field(ge=1900, le=2100)
    region_code: RegionCode
    status: TraineeStatus
    consent_share_with_firms: bool
    registered_at: datetime


class TraineeEnrolled(EventData):
    """A trainee was enrolled in a cohort."""

    type: ClassVar[str] = "traintrack.enrollment.trainee-enrolled.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    enrollment_id: str
    institute_id: str
    cohort_id: str
    enrolled_on: date
