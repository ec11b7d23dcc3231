"""The API's own shapes: what callers send and what they get back."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from traintrack_shared.vocabulary import RegionCode, TraineeStatus


class TraineeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    birth_year: int = Field(ge=1900, le=2100, examples=[1998])
    region_code: RegionCode = Field(
        description="Two-digit province code of the national training portal.", examples=["11"]
    )
    status: TraineeStatus
    consent_share_with_firms: bool = False
    name: str = Field(min_length=1, max_length=200)
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
    name: str
    email: str | None
    phone: str | None


class EnrollmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trainee_id: str = Field(min_length=1, max_length=64)
    cohort_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    enrolled_on: date


class EnrollmentPublic(BaseModel):
    enrollment_id: str
    trainee_id: str
    institute_id: str
    cohort_id: str
    enrolled_on: date
    status: str
