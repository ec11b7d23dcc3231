"""Offers and internships: how they move, and which hold seats."""

from datetime import UTC, datetime, timedelta

import pytest

from traintrack.matching.domain.offers import (
    InternshipStatus,
    OfferStatus,
    expired,
    free_seats,
    move_internship,
    settle_offer,
)
from traintrack.platform.errors import Conflict

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def test_a_pending_offer_may_be_accepted_declined_or_expire_once():
    later = NOW + timedelta(days=7)
    assert settle_offer(OfferStatus.PENDING, OfferStatus.ACCEPTED, expires_at=later, now=NOW) == (
        OfferStatus.ACCEPTED
    )
    for settled in (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED):
        with pytest.raises(Conflict):
            settle_offer(settled, OfferStatus.DECLINED, expires_at=later, now=NOW)


def test_an_offer_cannot_be_accepted_after_it_expired_but_may_still_be_declined():
    with pytest.raises(Conflict, match="expired"):
        settle_offer(OfferStatus.PENDING, OfferStatus.ACCEPTED, expires_at=NOW, now=NOW)
    assert settle_offer(OfferStatus.PENDING, OfferStatus.DECLINED, expires_at=NOW, now=NOW)
    assert expired(OfferStatus.PENDING, NOW, NOW)
    assert not expired(OfferStatus.ACCEPTED, NOW, NOW)


def test_pending_and_accepted_offers_hold_seats_declined_ones_do_not():
    assert free_seats(3, pending=1, accepted=1) == 1
    assert free_seats(2, pending=1, accepted=2) == 0


def test_an_internship_starts_before_it_completes_and_only_once():
    assert move_internship(InternshipStatus.AGREED, InternshipStatus.STARTED)
    assert move_internship(InternshipStatus.STARTED, InternshipStatus.COMPLETED)
    with pytest.raises(Conflict):
        move_internship(InternshipStatus.AGREED, InternshipStatus.COMPLETED)
    with pytest.raises(Conflict):
        move_internship(InternshipStatus.COMPLETED, InternshipStatus.STARTED)
