"""Webhook delivery decisions."""

from datetime import UTC, datetime, timedelta

import pytest

from traintrack.matching.domain.deliveries import Verdict, backoff, judge, signing_secrets


@pytest.mark.parametrize(
    ("status", "error", "verdict"),
    [
        (200, None, Verdict(True, None)),
        (299, None, Verdict(True, None)),
        (302, None, Verdict(False, "HTTP 302")),
        (500, None, Verdict(False, "HTTP 500")),
        (None, "ReadTimeout: slow", Verdict(False, "ReadTimeout: slow")),
    ],
)
def test_only_a_2xx_delivers_a_batch(status, error, verdict):
    assert judge(status, error) == verdict


def test_the_wait_after_failures_doubles_with_jitter_down_to_half_and_is_capped():
    for failures, low, high in ((1, 1, 2), (3, 4, 8), (30, 1800, 3600)):
        assert low <= backoff(failures, cap=3600.0) <= high


def test_the_replaced_secret_signs_beside_the_new_one_until_its_grace_ends_and_not_at_it():
    until = datetime(2026, 9, 2, 12, tzinfo=UTC)
    just_before = until - timedelta(microseconds=1)
    assert signing_secrets("whsec_new", "whsec_old", until, just_before) == [
        "whsec_new",
        "whsec_old",
    ]
    assert signing_secrets("whsec_new", "whsec_old", until, until) == ["whsec_new"]
    assert signing_secrets("whsec_new", None, None, just_before) == ["whsec_new"]
