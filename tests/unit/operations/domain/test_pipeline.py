"""Lag, rates and each consumer's last dead letter, summed up per consumer."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import chain

from tests.unit.operations.fakes import DLQS, letter
from traintrack.operations.domain.journey import JourneyEvent, in_order
from traintrack.operations.domain.pipeline import Lag, Rates, consumers, last_errors


def test_lag_is_the_end_less_the_committed_offset_or_the_whole_partition_before_any_commit():
    assert Lag("c", "g", "t", 0, 40, 42).lag == 2
    assert Lag("c", "g", "t", 0, None, 42).lag == 42


def test_the_first_look_has_no_rate_and_the_next_divides_the_progress_by_the_time():
    clock = chain([100.0, 102.0, 103.0, 103.0])
    rates = Rates(clock=lambda: next(clock))
    assert rates.update("enrollment", 10) is None
    assert rates.update("enrollment", 30) == 10.0
    assert rates.update("enrollment", 25) == 0.0  # offsets never count backwards
    assert rates.update("enrollment", 40) is None  # no time passed


def test_each_consumers_last_error_is_its_latest_dead_letter():
    first, latest = letter(offset=5), letter(offset=9)
    other = letter(DLQS[1], offset=1, consumer="matching")
    found = last_errors([latest, other, first])
    assert found == {
        "enrollment": {
            "at": datetime(2026, 3, 2, 9, 9, tzinfo=UTC),
            "reason": "unknown key",
            "dead_letter": f"{DLQS[0]}/0/9",
        },
        "matching": {
            "at": datetime(2026, 3, 2, 9, 1, tzinfo=UTC),
            "reason": "unknown key",
            "dead_letter": f"{DLQS[1]}/0/1",
        },
    }


def test_a_consumers_figures_sum_its_partitions_and_name_its_last_dead_letter_by_group():
    lags = [
        Lag("enrollment", "test-enrollment", "t", 0, 10, 15),
        Lag("enrollment", "test-enrollment", "t", 1, None, 3),
        Lag("outcomes", "outcomes", "u", 0, 7, 7),
    ]
    dead = [letter(offset=2, consumer="test-enrollment")]
    rates = Rates(clock=lambda: 1.0)
    found = consumers(lags, dead, rates)
    assert found == {
        "enrollment": {
            "group": "test-enrollment",
            "lag": 8,
            "committed": 10,
            "events_per_second": None,
            "last_error": {
                "at": datetime(2026, 3, 2, 9, 2, tzinfo=UTC),
                "reason": "unknown key",
                "dead_letter": f"{DLQS[0]}/0/2",
            },
        },
        "outcomes": {
            "group": "outcomes",
            "lag": 0,
            "committed": 7,
            "events_per_second": None,
            "last_error": None,
        },
    }
    assert rates.last == {"enrollment": (1.0, 10), "outcomes": (1.0, 7)}


def test_a_journey_is_in_time_order_then_by_topic_and_offset():
    at = datetime(2026, 3, 2, tzinfo=UTC)
    later = datetime(2026, 3, 3, tzinfo=UTC)

    def event(when, topic, offset):
        return JourneyEvent(when, topic, 0, offset, None, None, None, None)

    events = [event(later, "a", 1), event(at, "b", 2), event(at, "a", 9), event(at, "b", 1)]
    assert [(e.topic, e.offset) for e in in_order(events)] == [
        ("a", 9),
        ("b", 1),
        ("b", 2),
        ("a", 1),
    ]
