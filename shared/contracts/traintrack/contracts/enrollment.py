"""Events the enrollment service emits on enrollment.events.v1, and its attendance on
enrollment.attendance.v1. No personal details here. Version 1 of attendance-recorded, on
enrollment.events.v1, is in `enrollment_v1.py`."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from traintrack.contracts.base import EventData
from traintrack.contracts.topics import ENROLLMENT_ATTENDANCE, ENROLLMENT_EVENTS, Topic
from traintrack.contracts.vocabulary import (
    AttendanceStatus,
    DropReason,
    EmploymentInclusion,
    RegionCode,
    RiskLevel,
    RiskScope,
    Track,
    TraineeStatus,
)


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
    trainee_status: TraineeStatus | None = Field(
        default=None,
        description="The trainee's status when enrolling (job seeker, employed worker "
        "upskilling, resident); outcome populations use it. Absent in older events.",
    )


class CohortOpened(EventData):
    """An institute opened a cohort: one run of a programme, with what others need of it."""

    type: ClassVar[str] = "traintrack.enrollment.cohort-opened.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS
    key_field: ClassVar[str] = "cohort_id"

    cohort_id: str
    programme_id: str
    programme_name: str
    institute_id: str
    region_code: RegionCode
    track: Track
    field: str
    hours: int
    project_work_share: float = Field(ge=0, le=1)
    capacity: int
    starts_on: date
    ends_on: date
    training_site: str | None = None
    skills: list[str] = Field(default_factory=list, description="What the programme teaches.")
    closed_days: list[date] = Field(
        default_factory=list,
        description="Weekdays the cohort does not train besides Korean public holidays.",
    )
    employment_includes: list[EmploymentInclusion] = Field(
        default_factory=list,
        description="The programme's rule: besides insured employment, what its employment "
        "figures count (the national portal's default counts insured employment only).",
    )


class ConsentChanged(EventData):
    """The trainee gave or withdrew consent to be shown to partner firms."""

    type: ClassVar[str] = "traintrack.enrollment.consent-changed.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    share_with_firms: bool
    changed_at: datetime


class AttendanceRecorded(EventData):
    """A training day was recorded (or corrected) for an enrollment. Version 2: the same
    fields as version 1, on enrollment.attendance.v1."""

    type: ClassVar[str] = "traintrack.enrollment.attendance-recorded.v2"
    topic: ClassVar[Topic] = ENROLLMENT_ATTENDANCE

    trainee_id: str
    enrollment_id: str
    cohort_id: str
    day: date
    status: AttendanceStatus
    rate_to_date: float = Field(
        ge=0,
        le=1,
        description="Attendance over the training days "
        "up to this day (unrecorded days count as missed).",
    )
    month_rate: float = Field(ge=0, le=1, description="Attendance in this day's month so far.")


class AttendanceAtRisk(EventData):
    """Even perfect attendance from now on can no longer reach 80 % in a month (the
    training incentive) or over the course (completion)."""

    type: ClassVar[str] = "traintrack.enrollment.attendance-at-risk.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    enrollment_id: str
    cohort_id: str
    scope: RiskScope
    period: str = Field(description="The month (YYYY-MM) or the cohort id.")
    best_possible_rate: float = Field(ge=0, le=1)
    detected_on: date
    level: RiskLevel = Field(
        default=RiskLevel.UNREACHABLE,
        description="`warning`: 80 % is still reachable but the best possible rate fell "
        "below the warning margin; `unreachable`: 80 % can no longer be reached.",
    )


class EnrollmentCompleted(EventData):
    """A trainee completed the course: >= 80 % attendance, or hired before its end."""

    type: ClassVar[str] = "traintrack.enrollment.enrollment-completed.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    enrollment_id: str
    cohort_id: str
    completed_on: date
    attendance_rate: float = Field(ge=0, le=1)
    early_employment: bool
    hired_on: date | None = None


class EnrollmentDropped(EventData):
    """A trainee left the course before completing it."""

    type: ClassVar[str] = "traintrack.enrollment.enrollment-dropped.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    enrollment_id: str
    cohort_id: str
    dropped_on: date
    reason: DropReason


class EnrollmentNotCompleted(EventData):
    """The cohort ended (and its grace period for late attendance passed) while the
    enrollment had neither completed nor dropped out: it did not complete (미수료)."""

    type: ClassVar[str] = "traintrack.enrollment.enrollment-not-completed.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    enrollment_id: str
    cohort_id: str
    ended_on: date = Field(description="The cohort's last day.")
    attendance_rate: float = Field(ge=0, le=1)
    decided_on: date


class SurveySubmitted(EventData):
    """A trainee's satisfaction score (0-100) for their cohort."""

    type: ClassVar[str] = "traintrack.enrollment.survey-submitted.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    enrollment_id: str
    cohort_id: str
    score: int = Field(ge=0, le=100)
    submitted_on: date


class TraineeErased(EventData):
    """An operator erased a trainee's personal details; drop anything that links to them."""

    type: ClassVar[str] = "traintrack.enrollment.trainee-erased.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS

    trainee_id: str
    erased_at: datetime
