"""Who a firm may see and when: stages, consent, subscriptions, withdrawals."""

import pytest

from traintrack.matching.domain.candidates import (
    Candidate,
    Subscription,
    meets,
    stage_reached,
    visible,
    withdrawal_reason,
)


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
