"""The API's own shapes: what callers send and what they get back.

Commands about an existing trainee take the submission contracts themselves as bodies
(see commands.py), so they validate exactly as on Kafka.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field

from traintrack.contracts.vocabulary import RegionCode, Track, TraineeStatus
from traintrack.platform.web.models import Day, Id, Name, RequestModel, Slug


class Strict(RequestModel):
    """Request bodies: unknown fields and NUL characters are refused."""


class InstituteCreate(Strict):
    institute_id: Slug
    name: Name = Field(min_length=1, max_length=200)
    region_code: RegionCode


class InstitutePublic(BaseModel):
    institute_id: str
    name: str
    region_code: str


class ProgrammeCreate(Strict):
    programme_id: Slug
    name: Name = Field(min_length=1, max_length=200)
    track: Track
    field: Name = Field(min_length=1, max_length=100)
    hours: int = Field(ge=1, le=3000)
    capacity: int = Field(ge=1, le=2000)
    project_work_share: float = Field(ge=0, le=1)
    training_site: Name | None = Field(default=None, max_length=200)
    skills: list[Annotated[Name, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list,
        max_length=30,
        description="What the programme teaches; partner firms filter candidates on these.",
    )
    employment_includes: list[Literal["start_up", "non_insured"]] = Field(
        default_factory=list,
        max_length=2,
        description="Besides insured employment, what the programme's employment figures "
        "count (start-ups, non-insured work); none by default, as the national portal.",
    )


class ProgrammePublic(ProgrammeCreate):
    institute_id: str


class CohortCreate(Strict):
    cohort_id: Slug
    programme_id: Slug
    starts_on: Day
    ends_on: Day
    capacity: int | None = Field(default=None, ge=1, le=2000)
    closed_days: list[Day] = Field(
        default_factory=list,
        max_length=60,
        description="Weekdays within the cohort's dates it does not train (besides Korean "
        "public holidays, which are left out by themselves); each once.",
    )


class CohortPublic(BaseModel):
    cohort_id: str
    programme_id: str
    institute_id: str
    starts_on: date
    ends_on: date
    capacity: int
    closed_days: list[date]
    public_holidays: list[date] = Field(
        description="Korean public holidays (substitute holidays included) on the cohort's "
        "weekdays: not training days."
    )
    training_days: int
    enrollments: dict[str, int] = Field(
        default_factory=dict,
        description="Enrollments by status: `enrolled` are those in training; "
        "`not_completed` those whose course ended below 80 %.",
    )


class Satisfaction(BaseModel):
    cohort_id: str
    responses: int
    mean_score: float | None


class TraineeCreate(Strict):
    birth_year: int = Field(ge=1900, le=2100, examples=[1998])
    region_code: RegionCode = Field(
        description="Two-digit province code of the national training portal.", examples=["11"]
    )
    status: TraineeStatus
    consent_share_with_firms: bool = False
    name: Name = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 -]{7,20}$")


class TraineePublic(BaseModel):
    trainee_id: str
    institute_id: str
    birth_year: int
    region_code: str
    status: str
    consent_share_with_firms: bool
    registered_at: datetime
    name: str | None
    email: str | None
    phone: str | None


class TraineeImportRow(TraineeCreate):
    """One CSV row of a bulk onboarding: a trainee and the cohort to enroll them in."""

    json_types = False  # a CSV's values are all text: "1998", "true"

    ref: Id = Field(
        description="The institute's own reference for the person (e.g. its student "
        "number): a row whose ref and cohort were imported before is not imported again."
    )
    cohort_id: Id
    applied_on: Day | None = Field(default=None, description="Default: the day of import.")


class ImportedTrainee(BaseModel):
    row: int
    ref: str
    trainee_id: str
    enrollment_id: str
    status: Literal["created", "existing"] = Field(
        description="`existing`: this ref and cohort were imported before (nothing changed)."
    )


class TraineeImportReport(BaseModel):
    rows: int
    accepted: int = Field(description="Enrollments made by this import.")
    existing: int = Field(description="Rows imported before: their ids, nothing changed.")
    rejected: int
    errors: list[RowErrorPublic]
    trainees: list[ImportedTrainee]


class ConsentUpdate(Strict):
    share_with_firms: bool


class ConsentChange(BaseModel):
    share_with_firms: bool
    changed_at: datetime
    changed_by: str


class EnrollmentCreate(Strict):
    trainee_id: Id
    cohort_id: Id
    applied_on: Day
    admit: bool = Field(
        default=True,
        description="Admit at once (takes a seat); false leaves the application pending.",
    )


class AdmitBody(Strict):
    enrolled_on: Day


class EnrollmentPublic(BaseModel):
    enrollment_id: str
    trainee_id: str
    institute_id: str
    cohort_id: str
    applied_on: date
    status: str
    enrolled_on: date | None
    ended_on: date | None
    drop_reason: str | None
    hired_on: date | None


class PeriodRate(BaseModel):
    period: str
    training_days: int
    enrollments: dict[str, int] = Field(
        default_factory=dict,
        description="Enrollments by status: `enrolled` are those in training; "
        "`not_completed` those whose course ended below 80 %.",
    )
    excused: int
    attended: int
    unrecorded: int
    rate: float
    best_possible: float
    at_risk: bool


class AttendanceReport(BaseModel):
    enrollment_id: str
    status: str = Field(description="The enrollment's status (enrolled, completed, ...).")
    to_date: PeriodRate
    course: PeriodRate
    months: list[PeriodRate]


class AtRiskPeriod(BaseModel):
    scope: str = Field(description="`month` or `course`.")
    period: str = Field(description="The month (YYYY-MM) or the cohort id.")
    level: Literal["warning", "unreachable"]
    rate: float = Field(description="Attendance over the period, unrecorded days as missed.")
    best_possible: float


class AtRiskEnrollment(BaseModel):
    enrollment_id: str
    trainee_id: str
    cohort_id: str
    level: Literal["warning", "unreachable"] = Field(
        description="The worst of its periods: `unreachable` when any can no longer reach 80 %."
    )
    rate_to_date: float
    course_rate: float
    course_best_possible: float
    periods: list[AtRiskPeriod]


class ClosedPublic(BaseModel):
    completed: int = Field(description="Closed at >= 80 %: completed on the cohort's last day.")
    not_completed: int = Field(description="Closed below 80 %: not completed.")


class CohortClosed(ClosedPublic):
    cohort_id: str


class RowErrorPublic(BaseModel):
    row: int
    field: str | None
    message: str


class ImportReport(BaseModel):
    rows: int
    accepted: int
    rejected: int
    errors: list[RowErrorPublic]
