"""The evaluation API's own shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from traintrack.platform.web.models import Id, Name, RequestModel, Text

# Ids: what the store can hold (PostgreSQL text has no NUL), the same in bodies and paths.


# What evidence and rubric criteria are called: one line each.
Label = Annotated[Name, Field(min_length=1, max_length=40)]
Criterion = Annotated[Name, Field(min_length=1, max_length=100)]

Side = Literal["institute", "firm"]
BOTH_SIDES: tuple[Side, ...] = ("institute", "firm")


class Strict(RequestModel):
    """Request bodies: unknown fields and NUL characters are refused."""


class RequirementIn(Strict):
    evidence: Label
    minimum: float | None = None


class RubricIn(Strict):
    weights: dict[Criterion, Annotated[float, Field(le=1000)]] = Field(min_length=1, max_length=20)
    minimum: float
    sides: list[Side] = Field(default_factory=lambda: list(BOTH_SIDES))


class StageIn(Strict):
    number: int = Field(ge=1, le=10)
    name: Name = Field(min_length=1, max_length=100)
    requirements: list[RequirementIn] = Field(max_length=10)
    rubric: RubricIn | None = None
    max_attempts: int = Field(ge=1, le=10)
    unlocks: list[Criterion] = Field(default=[], max_length=10)


class SchemeIn(Strict):
    scheme_id: Id
    stages: list[StageIn] = Field(min_length=1, max_length=10)


class SchemeOut(BaseModel):
    scheme_id: str
    version: int
    stages: list[StageIn]


class SchemeAssignment(Strict):
    scheme_id: Id
    version: int = Field(ge=1, le=100_000)


class EvidenceIn(Strict):
    enrollment_id: Id = Field(description="The enrollment (trainee x cohort) it is about.")
    trainee_id: Id | None = Field(
        default=None, description="Optional; when given it must be the enrollment's trainee."
    )
    evidence: Label
    stage: int = Field(ge=1, le=10)
    attempt: int = Field(default=1, ge=1, le=10)
    value: float = Field(description="A score 0-100, or 1/0 for a yes/no fact.")


class ProjectIn(Strict):
    project_id: Id
    programme_id: Id
    firm_id: Id = Field(description="The partner firm that gave the task on its real data.")
    title: Name = Field(min_length=1, max_length=200)
    team: list[Id] = Field(min_length=1, max_length=12)


class ProjectOut(ProjectIn):
    institute_id: str


class AssessmentIn(Strict):
    trainee_id: Id = Field(description="A member of the project's team.")
    enrollment_id: Id | None = Field(
        default=None,
        description="The member's enrollment in a cohort of the project's programme; needed "
        "only when they have more than one there.",
    )
    attempt: int = Field(default=1, ge=1, le=10)
    scores: dict[Criterion, Annotated[float, Field(ge=0, le=100)]] = Field(
        min_length=1, max_length=20
    )


class DecisionOut(BaseModel):
    decision_id: int | None = None
    stage: int
    status: str
    attempt: int
    attempts_left: int
    scheme_id: str
    scheme_version: int
    rubric_score: float | None
    missing: list[str]
    shortfalls: list[str]
    decided_at: datetime | None = None
    trigger: str | None = Field(
        default=None, description="What caused the decision: evidence, attendance, ..."
    )


class CredentialSummary(BaseModel):
    credential_id: str
    programme_id: str | None
    scheme_id: str | None
    scheme_version: int | None
    issued_at: datetime
    revoked_at: datetime | None
    revocation_cause: str | None


class CredentialOut(CredentialSummary):
    trainee_id: str
    enrollment_id: str | None
    credential: str = Field(description="The VC-JWT (compact JWS, Ed25519).")
    valid_until: datetime
    revocation_reason: str | None
    reinstated_at: datetime | None
    reinstatement_reason: str | None


class EnrollmentStagesOut(BaseModel):
    enrollment_id: str
    trainee_id: str
    cohort_id: str
    programme_id: str | None
    ending: str | None = Field(description="completed, dropped, not_completed, or null.")
    current: list[DecisionOut] = Field(description="Where each stage stands now.")
    history: list[DecisionOut] = Field(description="Every decision, oldest first.")
    credentials: list[CredentialSummary]


class CohortSchemeOut(BaseModel):
    cohort_id: str
    scheme_id: str
    version: int
    re_decided: int = Field(description="Enrollments of the cohort decided again.")


class VerifyIn(Strict):
    credential: str = Field(min_length=10, max_length=20000)


class VerifyOut(BaseModel):
    valid: bool
    credential_id: str | None = None
    trainee_id: str | None = None
    reason: str | None = None


class RevokeIn(Strict):
    reason: Text = Field(min_length=3, max_length=300)


class ReinstateIn(Strict):
    reason: Text = Field(min_length=3, max_length=300)
