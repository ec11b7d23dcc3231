"""Webhook delivery decisions."""

import pytest

from traintrack.matching.domain.deliveries import Verdict, backoff, judge


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
