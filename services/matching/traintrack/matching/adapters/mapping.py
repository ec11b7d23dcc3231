"""Stored rows to domain values, and domain changes to the events matching announces."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from traintrack.contracts import matching as events
from traintrack.contracts.base import EventData
from traintrack.matching.domain import internships
from traintrack.matching.domain.candidates import Candidate, Opening, Subscription
from traintrack.matching.domain.offers import InternshipStatus

Row = Mapping[str, Any]
OFFER_FIELDS = (
    "offer_id",
    "opening_id",
    "firm_id",
    "trainee_id",
    "round_id",
    "status",
    "expires_at",
    "made_at",
    "settled_at",
)


def as_candidate(row: Row) -> Candidate:
    return Candidate(
        trainee_id=row["trainee_id"],
        stage_reached=row["stage_reached"],
        consent=row["consent"],
        certified=row["certified"],
        skills=frozenset(row["skills"]),
        region_code=row["region_code"] or "",
        score=float(row["score"]),
        fields=frozenset(row["fields"]),
        erased=row["erased"],
    )


def as_round_candidates(rows: Iterable[Sequence[Any]]) -> list[Candidate]:
    """A round's candidates from `CandidateRepository.in_round`'s rows, read by position;
    equal skill sets (most of a cohort's) are one frozenset."""
    sets: dict[tuple[str, ...], frozenset[str]] = {}
    found = []
    for trainee_id, stage, consent, erased, skills, region_code, score in rows:
        key = tuple(skills)
        held = sets.get(key)
        if held is None:
            held = sets[key] = frozenset(key)
        found.append(
            Candidate(
                trainee_id=trainee_id,
                stage_reached=stage,
                consent=consent,
                skills=held,
                region_code=region_code or "",
                score=float(score),
                erased=erased,
            )
        )
    return found


def as_opening(row: Row) -> Opening:
    return Opening(
        opening_id=row["opening_id"],
        firm_id=row["firm_id"],
        seats=row["seats"],
        minimum_stage=row["minimum_stage"],
        skills=frozenset(row["skills"]),
        region_code=row["region_code"],
    )


def as_subscription(row: Row) -> Subscription:
    return Subscription(
        subscription_id=row["subscription_id"],
        firm_id=row["firm_id"],
        minimum_stage=row["minimum_stage"],
        skills=frozenset(row["skills"]),
        fields=frozenset(row["fields"]),
        region_codes=frozenset(row["region_codes"]),
    )


def offer_view(row: Row) -> dict[str, Any]:
    """An offer as firms and institutes see it (the API's and the feed's)."""
    return {k: row[k] for k in OFFER_FIELDS}


def offer_feed_body(offer: Row) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in offer_view(offer).items()
    }


def settled_ids(offer: Row) -> dict[str, str]:
    """What every settled-offer event names."""
    return {k: offer[k] for k in ("offer_id", "trainee_id", "opening_id", "firm_id")}


def offer_made(offer: Row, made_at: datetime) -> events.OfferMade:
    fields = ("offer_id", "trainee_id", "opening_id", "firm_id", "round_id", "expires_at")
    return events.OfferMade(**{k: offer[k] for k in fields}, made_at=made_at)


def as_internship(row: Row) -> internships.Internship:
    return internships.Internship(
        internship_id=row["internship_id"],
        trainee_id=row["trainee_id"],
        firm_id=row["firm_id"],
        opening_id=row["opening_id"],
        status=InternshipStatus(row["status"]),
        started_on=row["started_on"],
        completed_on=row["completed_on"],
        converted=row["converted"],
    )


def internship_event(event: internships.Event) -> EventData:
    """An internship's domain event as matching.events.v1 announces it."""
    match event:
        case internships.Started():
            return events.InternshipStarted(**asdict(event))
        case internships.Completed():
            return events.InternshipCompleted(**asdict(event))
        case internships.HiredIntern(internship_id, trainee_id, firm_id, terms):
            return events.Hired(
                internship_id=internship_id, trainee_id=trainee_id, firm_id=firm_id, **terms
            )
