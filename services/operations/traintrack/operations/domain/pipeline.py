"""The pipeline's health in figures: lag per consumer and partition, events per second
from successive looks at the committed offsets, each consumer's last dead letter."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from traintrack.operations.domain.dead_letters import EPOCH, DeadLetter


@dataclass(frozen=True)
class Lag:
    consumer: str
    group: str
    topic: str
    partition: int
    committed: int | None
    end: int

    @property
    def lag(self) -> int:
        return self.end - (self.committed or 0)


@dataclass
class Rates:
    """Events/s per consumer, from the committed offsets of two successive looks."""

    last: dict[str, tuple[float, int]] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic

    def update(self, consumer: str, committed: int) -> float | None:
        now = self.clock()
        before = self.last.get(consumer)
        self.last[consumer] = (now, committed)
        if before is None or now <= before[0]:
            return None
        return max(committed - before[1], 0) / (now - before[0])


def last_errors(letters: Iterable[DeadLetter]) -> dict[str, dict[str, Any]]:
    """Each consumer's latest dead letter: when, why and which."""
    found: dict[str, dict[str, Any]] = {}
    for letter in sorted(letters, key=lambda d: d.failed_at or EPOCH):
        found[letter.consumer] = {
            "at": letter.failed_at,
            "reason": letter.reason,
            "dead_letter": letter.ref,
        }
    return found


def consumers(
    lags: Iterable[Lag], letters: Iterable[DeadLetter], rates: Rates
) -> dict[str, dict[str, Any]]:
    """Per consumer: its group, lag and committed offsets summed over its partitions,
    events per second since the last look and its last dead letter."""
    errors = last_errors(letters)
    found: dict[str, dict[str, Any]] = {}
    for row in lags:
        c = found.setdefault(row.consumer, {"group": row.group, "lag": 0, "committed": 0})
        c["lag"] += row.lag
        c["committed"] += row.committed or 0
    for name, c in found.items():
        c["events_per_second"] = rates.update(name, c["committed"])
        c["last_error"] = errors.get(c["group"])
    return found
