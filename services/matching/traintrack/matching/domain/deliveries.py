"""Webhook delivery decisions: which secrets sign, whether an attempt delivered, and how
long to wait after a failure (exponential, with jitter, capped)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

ROTATION_GRACE = timedelta(hours=24)  # an old secret keeps signing beside the new one this long


def signing_secrets(
    secret: str, previous: str | None, previous_until: datetime | None, now: datetime
) -> list[str]:
    """The current secret, and the one it replaced until its grace period ends (so a
    receiver that has not switched yet keeps verifying; one that has, too)."""
    in_grace = previous is not None and previous_until is not None and now < previous_until
    return [secret, previous] if in_grace and previous else [secret]


@dataclass(frozen=True)
class Verdict:
    delivered: bool
    error: str | None


def judge(status: int | None, error: str | None) -> Verdict:
    """A 2xx for the whole batch delivers it; anything else is a failure, with why."""
    delivered = status is not None and 200 <= status < 300
    if status is not None and not delivered:
        error = f"HTTP {status}"
    return Verdict(delivered, error)


def backoff(failures: int, cap: float) -> float:
    return float(min(cap, 2 ** min(failures, 20)) * random.uniform(0.5, 1.0))
