"""Events the matching service emits on matching.events.v1. No personal details here:
firms see pseudonymous trainee ids; contact goes through the institute after acceptance."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import Field

from traintrack.contracts.base import EventData
from traintrack.contracts.topics import MATCHING_EVENTS, Topic


class _Matching(EventData):
    topic: ClassVar[Topic] = MATCHING_EVENTS


class OpeningPublished(_Matching):
    """A partner firm published internship seats."""

    type: ClassVar[str] = "traintrack.matching.opening-published.v1"
    key_field: ClassVar[str] = "opening_id"

    opening_id: str
    firm_id: str
    title: str
    skills: list[str]
    region_code: str | None
    seats: int = Field(ge=1)
    minimum_stage: int = Field(ge=1)
    starts_on: date
    ends_on: date
    published_at: datetime


class CandidateDelivered(_Matching):
    """A candidate was disclosed to a firm (a subscription matched, or they applied)."""

    type: ClassVar[str] = "traintrack.matching.candidate-delivered.v1"

    trainee_id: str
    firm_id: str
    reason: Literal["subscription", "round", "offer"]
    subscription_id: str | None = None
    stage_reached: int
    delivered_at: datetime


class CandidateWithdrawn(_Matching):
    """A candidate a firm received may no longer be shown (consent withdrawn, certification
    revoked, stage no longer held, erased); the firm must stop using the profile."""

    type: ClassVar[str] = "traintrack.matching.candidate-withdrawn.v1"

    trainee_id: str
    firm_id: str
    reason: Literal["consent_withdrawn", "certification_revoked", "stage_withdrawn", "erased"]
    withdrawn_at: datetime


class RoundCompleted(_Matching):
    """A match round was solved: a stable assignment, checked for blocking pairs."""

    type: ClassVar[str] = "traintrack.matching.round-completed.v1"
    key_field: ClassVar[str] = "round_id"

    round_id: str
    candidates: int
    openings: int
    matched: int
    seats: int
    blocking_pairs: int
    completed_at: datetime


class OfferMade(_Matching):
    """An internship seat was offered to a candidate (from a round or directly)."""

    type: ClassVar[str] = "traintrack.matching.offer-made.v1"

    offer_id: str
    trainee_id: str
    opening_id: str
    firm_id: str
    round_id: str | None
    expires_at: datetime
    made_at: datetime


class _OfferSettled(_Matching):
    offer_id: str
    trainee_id: str
    opening_id: str
    firm_id: str
    settled_at: datetime


class OfferAccepted(_OfferSettled):
    """The candidate accepted; the institute now puts the firm in touch with them."""

    type: ClassVar[str] = "traintrack.matching.offer-accepted.v1"

    institute_id: str


class OfferDeclined(_OfferSettled):
    """The candidate declined; the seat is free for the next round."""

    type: ClassVar[str] = "traintrack.matching.offer-declined.v1"


class OfferExpired(_OfferSettled):
    """Nobody answered in time (or the candidate may no longer be shown); the seat is free."""

    type: ClassVar[str] = "traintrack.matching.offer-expired.v1"


class InternshipStarted(_Matching):
    """The intern started at the firm."""

    type: ClassVar[str] = "traintrack.matching.internship-started.v1"

    internship_id: str
    trainee_id: str
    firm_id: str
    opening_id: str
    started_on: date


class InternshipCompleted(_Matching):
    """The internship ended; `converted` says whether the firm hires the intern."""

    type: ClassVar[str] = "traintrack.matching.internship-completed.v1"

    internship_id: str
    trainee_id: str
    firm_id: str
    completed_on: date
    converted: bool


class Hired(_Matching):
    """An internship converted to a hire: the first half of an employment outcome (the
    outcomes service counts it once the employment itself is confirmed)."""

    type: ClassVar[str] = "traintrack.matching.hired.v1"

    internship_id: str
    trainee_id: str
    firm_id: str
    starts_on: date
    employment_type: Literal["permanent", "fixed_term"]
    insured: bool
