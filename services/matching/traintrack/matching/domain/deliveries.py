"""Webhook delivery decisions: whether an attempt delivered, and how long to wait after
a failure (exponential, with jitter, capped)."""

from __future__ import annotations

import random
from dataclasses import dataclass

ROTATION_GRACE_HOURS = 24  # an old secret keeps signing beside the new one this long


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
