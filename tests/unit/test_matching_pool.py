"""Who a firm may see and when, offers and internships, webhook signatures."""

from datetime import UTC, datetime, timedelta

import pytest

from traintrack.matching.domain import signatures
from traintrack.matching.domain.candidates import (
    Candidate,
    Subscription,
    meets,
    stage_reached,
    visible,
    withdrawal_reason,
)
from traintrack.matching.domain.offers import (
    InternshipStatus,
    OfferStatus,
    expired,
    free_seats,
    move_internship,
    settle_offer,
)
from traintrack.platform.errors import Conflict


def candidate(**overrides):
    values = {
        "trainee_id": "t-1",
        "stage_reached": 2,
        "consent": True,
        "skills": frozenset({"python", "sql"}),
        "region_code": "30",
        "fields": frozenset({"AI"}),
    }
    return Candidate(**{**values, **overrides})


def subscription(**overrides):
    return Subscription(**{"subscription_id": "s", "firm_id": "f", "minimum_stage": 2, **overrides})


def test_stages_count_only_when_every_stage_below_is_passed():
    assert stage_reached([]) == 0
    assert stage_reached([1, 2, 4]) == 2
    assert stage_reached([2, 3]) == 0
    assert stage_reached([3, 1, 2, 4]) == 4


def test_nobody_below_the_talent_pool_stage_is_ever_visible_whatever_a_firm_asks():
    assert not visible(candidate(stage_reached=1), 1)
    assert visible(candidate(stage_reached=2), 1)


def test_erased_candidates_are_not_visible():
    assert not visible(candidate(erased=True), 2)


def test_a_subscription_with_no_filters_meets_every_visible_candidate():
    assert meets(subscription(), candidate())
    assert not meets(subscription(), candidate(consent=False))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"skills": frozenset({"sql", "java"})}, True),
        ({"skills": frozenset({"java"})}, False),
        ({"fields": frozenset({"AI"})}, True),
        ({"fields": frozenset({"Cloud"})}, False),
        ({"region_codes": frozenset({"30", "11"})}, True),
        ({"region_codes": frozenset({"11"})}, False),
        ({"minimum_stage": 3}, False),
    ],
)
def test_each_filter_of_a_subscription_narrows_whom_it_meets(filters, expected):
    assert meets(subscription(**filters), candidate()) is expected


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({}, None),
        ({"erased": True}, "erased"),
        ({"consent": False}, "consent_withdrawn"),
        ({"stage_reached": 1}, "stage_withdrawn"),
    ],
)
def test_the_reason_a_delivered_candidate_is_withdrawn(overrides, reason):
    assert withdrawal_reason(candidate(**overrides), 2) == reason


@pytest.mark.parametrize(
    ("minimum", "shown_certified", "now", "reason"),
    [
        # Shown certified, holds no certification now and falls below what the firm asked
        # for: a revocation, whichever event of the change came first.
        (2, True, {"stage_reached": 0, "certified": False}, "certification_revoked"),
        (4, True, {"stage_reached": 3, "certified": False}, "certification_revoked"),
        # Another standing certification or stage keeps them shown: an update, not this.
        (4, True, {"stage_reached": 4, "certified": True}, None),
        (2, True, {"stage_reached": 2, "certified": False}, None),
        (3, True, {"stage_reached": 3, "certified": False}, None),
        # Still certified (by another course) yet below the firm's stage: the stage.
        (4, True, {"stage_reached": 3, "certified": True}, "stage_withdrawn"),
        # Shown uncertified: an old revocation is no news; the stage is.
        (2, False, {"stage_reached": 1, "certified": False}, "stage_withdrawn"),
        # Consent and erasure come first whatever else changed.
        (2, True, {"stage_reached": 0, "consent": False}, "consent_withdrawn"),
        (2, True, {"stage_reached": 0, "erased": True}, "erased"),
    ],
)
def test_a_firm_shown_a_certification_that_no_longer_stands_hears_certification_revoked(
    minimum, shown_certified, now, reason
):
    found = withdrawal_reason(candidate(**now), minimum, certified_shown=shown_certified)
    assert found == reason


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


def test_a_webhook_signature_verifies_with_the_secret_and_a_fresh_timestamp_only():
    body, now = b'{"entries": []}', 1_800_000_000
    value = signatures.header(["whsec_new", "whsec_old"], now, body)
    assert signatures.verify("whsec_new", value, body, now=now + 10)
    assert signatures.verify("whsec_old", value, body, now=now)  # during a rotation
    assert not signatures.verify("whsec_other", value, body, now=now)
    assert not signatures.verify("whsec_new", value, body + b" ", now=now)
    assert not signatures.verify("whsec_new", value, body, now=now + 301)
    assert not signatures.verify("whsec_new", "v1=abc", body, now=now)
