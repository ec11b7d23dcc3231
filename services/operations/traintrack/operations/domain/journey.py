"""A trainee's journey: every event about them, on every topic, in the order it happened,
each publication once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    dead_lettered_by: str | None = None  # the consumer, for a record on a DLQ
    # Further copies of the same publication seen after this one: a relay that published
    # a row again after a crash, a producer's retry (consumers apply the id once).
    redeliveries: int = 0


def in_order(events: Iterable[JourneyEvent]) -> list[JourneyEvent]:
    return sorted(events, key=lambda e: (e.at, e.topic, e.offset))


def once_each(events: Iterable[JourneyEvent]) -> list[JourneyEvent]:
    """In order, each publication once: the same event id again on the same topic is a
    redelivery of the first copy, counted on it. A replay from the DLQ (another
    `replayed_from`) and each consumer's dead letter are publications of their own; a
    record without an event id is shown as it is."""
    shown: list[JourneyEvent] = []
    first: dict[tuple[str, str, str | None, str | None], int] = {}
    for event in in_order(events):
        if event.event_id is None:
            shown.append(event)
            continue
        key = (event.topic, event.event_id, event.replayed_from, event.dead_lettered_by)
        if key in first:
            earlier = shown[first[key]]
            shown[first[key]] = replace(earlier, redeliveries=earlier.redeliveries + 1)
        else:
            first[key] = len(shown)
            shown.append(event)
    return shown
