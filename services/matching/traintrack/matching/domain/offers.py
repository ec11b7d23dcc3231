"""Offers and internships: what may follow what, and when a seat is free again."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from traintrack.platform.errors import Conflict


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class InternshipStatus(StrEnum):
    AGREED = "agreed"  # offer accepted, not started yet
    STARTED = "started"
    COMPLETED = "completed"


_OFFER_MOVES = {
    OfferStatus.PENDING: {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED},
}
_INTERNSHIP_MOVES = {
    InternshipStatus.AGREED: {InternshipStatus.STARTED},
    InternshipStatus.STARTED: {InternshipStatus.COMPLETED},
}


def settle_offer(
    current: OfferStatus, to: OfferStatus, *, expires_at: datetime, now: datetime
) -> OfferStatus:
    """Accept, decline or expire a pending offer; an answer after expiry is refused."""
    if to not in _OFFER_MOVES.get(current, set()):
        raise Conflict(f"the offer is {current.value}; it cannot become {to.value}")
    if to is OfferStatus.ACCEPTED and now >= expires_at:
        raise Conflict("the offer expired; the seat goes to the next round")
    return to


def expired(status: OfferStatus, expires_at: datetime, now: datetime) -> bool:
    return status is OfferStatus.PENDING and now >= expires_at


def move_internship(current: InternshipStatus, to: InternshipStatus) -> InternshipStatus:
    if to not in _INTERNSHIP_MOVES.get(current, set()):
        raise Conflict(f"the internship is {current.value}; it cannot become {to.value}")
    return to


def free_seats(seats: int, pending: int, accepted: int) -> int:
    """Pending offers hold a seat until answered; declined and expired ones do not."""
    return max(seats - pending - accepted, 0)
