"""Stored rows to domain values, and domain changes to the events matching announces."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from traintrack.contracts import matching as events
from traintrack.matching.domain.candidates import Candidate, Opening, Subscription

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
