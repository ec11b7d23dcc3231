"""What training institutes submit, over HTTP or straight onto institute.submissions.v1.

These are commands (imperative), validated the same way on both paths. Personal details
never travel on Kafka, so registering a trainee is HTTP only; everything about an
existing trainee may come either way.
"""

from __future__ import annotations

from datetime import time
from typing import ClassVar

from pydantic import ConfigDict, Field

from traintrack.contracts.base import EventData
from traintrack.contracts.fields import Day, Id
from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS, Topic
from traintrack.contracts.vocabulary import AttendanceStatus, DropReason


class Submission(EventData):
    """Commands from institutes: unknown fields refused (ids are patterned, so no NUL)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: ClassVar[Topic] = INSTITUTE_SUBMISSIONS


class RecordAttendance(Submission):
    """Record (or correct) one training day of an enrollment."""

    type: ClassVar[str] = "traintrack.institute.record-attendance.v1"

    trainee_id: Id
    enrollment_id: Id
    day: Day
    status: AttendanceStatus
    check_in: time | None = None
    check_out: time | None = None


class SubmitSurvey(Submission):
    """A trainee's satisfaction score for their cohort, 0-100."""

    type: ClassVar[str] = "traintrack.institute.submit-survey.v1"

    trainee_id: Id
    enrollment_id: Id
    score: int = Field(ge=0, le=100)
    submitted_on: Day


class CompleteEnrollment(Submission):
    """Complete an enrollment after the course (>= 80 % attendance), or earlier through
    employment when `hired_on` is given."""

    type: ClassVar[str] = "traintrack.institute.complete-enrollment.v1"

    trainee_id: Id
    enrollment_id: Id
    completed_on: Day
    hired_on: Day | None = None


class DropEnrollment(Submission):
    """Record that a trainee left the course."""

    type: ClassVar[str] = "traintrack.institute.drop-enrollment.v1"

    trainee_id: Id
    enrollment_id: Id
    dropped_on: Day
    reason: DropReason


class ChangeConsent(Submission):
    """The trainee gives or withdraws consent to be shown to partner firms."""

    type: ClassVar[str] = "traintrack.institute.change-consent.v1"

    trainee_id: Id
    share_with_firms: bool
