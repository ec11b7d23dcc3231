"""What the matching service is asked to do: one frozen class per command. Commands from
the API carry who asks (`caller`); those from the worker carry an enrollment or person
fact, as enrollment and evaluation announced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from traintrack.matching.domain.access import Caller
from traintrack.matching.domain.deliveries import ROTATION_GRACE
from traintrack.matching.domain.offers import OfferStatus

# --- firms, openings, subscriptions ----------------------------------------------------


@dataclass(frozen=True)
class RegisterFirm:
    caller: Caller
    firm_id: str
    name: str
    region_code: str


@dataclass(frozen=True)
class PublishOpening:
    caller: Caller
    opening_id: str
    title: str
    skills: list[str]
    region_code: str | None
    seats: int
    minimum_stage: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Subscribe:
    caller: Caller
    subscription_id: str
    minimum_stage: int
    skills: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Unsubscribe:
    caller: Caller
    subscription_id: str


# --- webhooks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterWebhook:
    caller: Caller
    url: str  # already checked to lead outward (`adapters/outbound.py`)
    after: int


@dataclass(frozen=True)
class RotateWebhookSecret:
    caller: Caller
    webhook_id: str
    now: datetime | None = None  # default: the current time
    grace: timedelta = ROTATION_GRACE


@dataclass(frozen=True)
class RemoveWebhook:
    caller: Caller
    webhook_id: str


@dataclass(frozen=True)
class ClaimDueWebhooks:
    """Lease the webhooks due a call, with the feed entries to send each (the dispatcher's)."""

    limit: int
    batch: int


@dataclass(frozen=True)
class RecordDeliveryAttempt:
    webhook_id: str
    first_seq: int
    last_seq: int
    status_code: int | None
    error: str | None
    duration_ms: int
    failures: int  # before this attempt
    lease: datetime
    max_backoff_seconds: float


# --- rounds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRound:
    caller: Caller
    round_id: str
    opening_ids: list[str] | None
    proposing: Literal["candidates", "firms"]
    offer_days: int


@dataclass(frozen=True)
class RankOpenings:
    """The candidate's ranking, sent by their institute."""

    caller: Caller
    round_id: str
    trainee_id: str
    opening_ids: list[str]


@dataclass(frozen=True)
class RankCandidates:
    """The firm's own ranking of an opening's applicants."""

    caller: Caller
    round_id: str
    opening_id: str
    trainee_ids: list[str]


@dataclass(frozen=True)
class SolveRound:
    round_id: str
    # A round listing more (candidate, opening) pairs than this is queued for the
    # background loop instead of solved now; None: always now.
    queue_above: int | None = None


@dataclass(frozen=True)
class SolveQueuedRound:
    """Solve the oldest queued round nobody else is solving (the background loop's)."""


# --- offers and internships --------------------------------------------------------------


@dataclass(frozen=True)
class MakeOffer:
    caller: Caller
    opening_id: str
    trainee_id: str
    valid_days: int


@dataclass(frozen=True)
class AnswerOffer:
    caller: Caller
    offer_id: str
    to: OfferStatus  # accepted or declined


@dataclass(frozen=True)
class ExpireDueOffers:
    now: datetime | None = None


@dataclass(frozen=True)
class StartInternship:
    caller: Caller
    internship_id: str
    started_on: date


@dataclass(frozen=True)
class CompleteInternship:
    caller: Caller
    internship_id: str
    completed_on: date
    hire: dict[str, Any] | None  # the firm hires the intern


# --- the candidate pool (from enrollment and evaluation events) ------------------------


@dataclass(frozen=True)
class Enrollment:
    """Which enrollment a fact is about: named (version 2), or, for version-1 evaluation
    events (`enrollment_id` None), the trainee's latest enrollment known."""

    trainee_id: str
    enrollment_id: str | None = None
    cohort_id: str | None = None


@dataclass(frozen=True)
class RecordCohort:
    cohort_id: str
    programme_id: str
    institute_id: str
    field: str | None
    skills: list[str]
    region_code: str | None
    ends_on: date | None


@dataclass(frozen=True)
class RecordPerson:
    """A fact about the person: registered, consent changed, or erased (the columns of
    their candidate row it sets)."""

    trainee_id: str
    institute_id: str | None = None
    region_code: str | None = None
    consent: bool | None = None
    erased: bool | None = None


@dataclass(frozen=True)
class RecordEnrollment:
    enrollment: Enrollment
    institute_id: str


Ending = Literal["completed", "dropped", "not_completed"]


@dataclass(frozen=True)
class EndEnrollment:
    enrollment: Enrollment
    status: Ending


@dataclass(frozen=True)
class RecordStagePassed:
    enrollment: Enrollment
    stage: int


@dataclass(frozen=True)
class WithdrawStagePass:
    enrollment: Enrollment
    stage: int


@dataclass(frozen=True)
class RecordAssessment:
    enrollment: Enrollment
    stage: int
    evidence: str
    side: str
    value: float


@dataclass(frozen=True)
class RecordCertification:
    enrollment: Enrollment
    credential_id: str
    programme_id: str | None  # version 1 did not say: the cohort's programme
    scheme_id: str
    scheme_version: int
    issued_at: datetime


@dataclass(frozen=True)
class RecordRevocation:
    enrollment: Enrollment
    credential_id: str
    cause: str | None  # version 1 did not say
    reason: str
    revoked_at: datetime


@dataclass(frozen=True)
class RecordReinstatement:
    enrollment: Enrollment
    credential_id: str
