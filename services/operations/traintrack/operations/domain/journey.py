"""A trainee's journey: every event about them, on every topic, in the order it happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JourneyEvent:
    at: datetime
    topic: str
    partition: int
    offset: int
    event_type: str | None
    event_id: str | None
    trace_id: str | None
    replayed_from: str | None


def in_order(events: Iterable[JourneyEvent]) -> list[JourneyEvent]:
    return sorted(events, key=lambda e: (e.at, e.topic, e.offset))
