"""Request and response bodies of the matching API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, HttpUrl, ValidationInfo, field_validator

from traintrack.contracts.vocabulary import RegionCode
from traintrack.matching.domain.candidates import MATCHING_STAGE, TALENT_POOL_STAGE
from traintrack.platform.web.models import Day, Id, Name, RequestModel, Slug

Skill = Annotated[Name, Field(min_length=1, max_length=60)]
Stage = Annotated[int, Field(ge=1, le=4)]


class FirmCreate(RequestModel):
    firm_id: Slug
    name: Name = Field(min_length=1, max_length=200)
    region_code: RegionCode


class FirmPublic(BaseModel):
    firm_id: str
    name: str
    region_code: str
    created_at: datetime


class OpeningCreate(RequestModel):
    opening_id: Slug
    title: Name = Field(min_length=1, max_length=200)
    skills: list[Skill] = Field(default_factory=list, max_length=30)
    region_code: RegionCode | None = None
    seats: int = Field(ge=1, le=500)
    minimum_stage: int = Field(
        default=MATCHING_STAGE,
        ge=MATCHING_STAGE,
        le=4,
        description="Stage 3 (applied project) makes a trainee eligible for internships.",
    )
    starts_on: Day
    ends_on: Day

    @field_validator("ends_on")
    @classmethod
    def _not_before_start(cls, ends_on: date, info: ValidationInfo) -> date:
        # On the field, so the problem names ends_on (a model validator names the body).
        starts_on = info.data.get("starts_on")
        if starts_on is not None and ends_on < starts_on:
            raise ValueError("must not be before starts_on")
        return ends_on


class OpeningPublic(BaseModel):
    opening_id: str
    firm_id: str
    title: str
    skills: list[str]
    region_code: str | None
    seats: int
    seats_offered: int
    seats_taken: int
    minimum_stage: int
    starts_on: date
    ends_on: date
    status: str


class SubscriptionCreate(RequestModel):
    subscription_id: Slug
    minimum_stage: int = Field(
        default=TALENT_POOL_STAGE,
        ge=TALENT_POOL_STAGE,
        le=4,
        description="Stage 2 lists a profile in the talent pool; nobody below it is shown.",
    )
    skills: list[Skill] = Field(default_factory=list, max_length=30, description="Any of.")
    fields: list[Skill] = Field(default_factory=list, max_length=30, description="Any of.")
    region_codes: list[RegionCode] = Field(default_factory=list, description="Any of.")


class SubscriptionPublic(BaseModel):
    subscription_id: str
    firm_id: str
    minimum_stage: int
    skills: list[str]
    fields: list[str]
    region_codes: list[str]
    delivered_now: int = 0


class CertificationHeld(BaseModel):
    programme_id: str | None
    credential_id: str


class CandidateProfile(BaseModel):
    """Pseudonymous: no name, contact or national id ever reaches a firm. What the
    candidate holds across their courses: the highest stage of a course whose basis
    stands, the certifications not revoked, and the skills and fields of those courses."""

    trainee_id: str
    institute_id: str | None
    stage_reached: int
    certified: bool = Field(description="Holds at least one certification not revoked.")
    certifications: list[CertificationHeld]
    skills: list[str]
    field: str | None = Field(description="The field of the course behind the stage held.")
    fields: list[str]
    region_code: str | None
    score: float
    status: str
    available_from: date | None


class FeedEntry(BaseModel):
    seq: int
    kind: str
    trainee_id: str | None
    at: datetime
    data: dict[str, object]


class FeedPage(BaseModel):
    entries: list[FeedEntry]
    next_cursor: int = Field(description="Pass as `after` to read on; no entry is skipped.")
    head: int = Field(description="The newest entry's number.")


class WebhookCreate(RequestModel):
    url: HttpUrl
    after: int = Field(
        default=0, ge=0, le=2**63 - 1, description="Deliver feed entries after this cursor."
    )


class WebhookSecret(BaseModel):
    webhook_id: str
    secret: str = Field(
        description="Shown once: a Standard Webhooks `whsec_` secret; verify `webhook-signature` "
        "with it (e.g. the `standardwebhooks` package's `Webhook(secret).verify`)."
    )


class WebhookPublic(BaseModel):
    webhook_id: str
    firm_id: str
    url: str
    active: bool
    delivered_seq: int
    pending: int
    failures: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    last_attempt_at: datetime | None


class WebhookAttempt(BaseModel):
    attempt_id: int
    first_seq: int
    last_seq: int
    status_code: int | None
    error: str | None
    duration_ms: int
    attempted_at: datetime


class RoundCreate(RequestModel):
    round_id: Slug
    opening_ids: list[Slug] | None = Field(
        default=None, max_length=5000, description="Default: every open opening."
    )
    proposing: Literal["candidates", "firms"] = "candidates"
    offer_days: int = Field(default=7, ge=1, le=60)


class RoundResult(BaseModel):
    round_id: str
    candidates: int
    openings: int
    matched: int
    seats: int
    blocking_pairs: int
    solve_seconds: float


class RoundProgress(BaseModel):
    """How far a round solved in the background has got."""

    phase: str = Field(description="queued, building the game, solving, making offers, completed")
    step: int
    steps: int
    pairs: int = Field(description="(candidate, opening) pairs listed in the round")
    attempts: int = Field(description="failed attempts so far (each is tried again)")
    error: str | None = Field(description="why the last attempt failed, if it did")
    updated_at: datetime


class RoundPublic(BaseModel):
    round_id: str
    status: str = Field(description="open, solving (in the background) or completed")
    proposing: str
    offer_days: int
    opening_ids: list[str]
    created_at: datetime
    completed_at: datetime | None
    progress: RoundProgress | None = Field(
        default=None, description="Only for a round solved in the background."
    )
    result: RoundResult | None = Field(default=None, description="Once completed.")


class CandidateRanking(RequestModel):
    opening_ids: list[Slug] = Field(min_length=1, max_length=20, description="Best first.")


class OpeningRanking(RequestModel):
    trainee_ids: list[Id] = Field(
        min_length=1, max_length=5000, description="Best first; the others are not acceptable."
    )


class Explanation(BaseModel):
    round_id: str
    trainee_id: str
    reasons: list[str]


class OfferCreate(RequestModel):
    opening_id: Slug
    trainee_id: Id
    valid_days: int = Field(default=7, ge=1, le=60)


class OfferPublic(BaseModel):
    offer_id: str
    opening_id: str
    firm_id: str
    trainee_id: str
    round_id: str | None
    status: str
    expires_at: datetime
    made_at: datetime
    settled_at: datetime | None


class InternshipPublic(BaseModel):
    internship_id: str
    offer_id: str
    trainee_id: str
    firm_id: str
    opening_id: str
    status: str
    started_on: date | None
    completed_on: date | None
    converted: bool | None


class InternshipStart(RequestModel):
    started_on: Day


class Hire(RequestModel):
    starts_on: Day
    employment_type: Literal["permanent", "fixed_term"]
    insured: bool = Field(description="Covered by employment insurance.")


class InternshipCompletion(RequestModel):
    completed_on: Day
    hire: Hire | None = Field(default=None, description="Present when the firm hires the intern.")
