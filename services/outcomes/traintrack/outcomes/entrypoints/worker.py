"""The outcomes worker: every topic the indicators need, into facts. Agents hand records to
the platform's EventConsumer (inbox, retries, DLQ); each run of events of one type becomes
one command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from traintrack.contracts import REGISTRY
from traintrack.contracts.codec import Envelope
from traintrack.contracts.enrollment import TraineeEnrolled, TraineeRegistered
from traintrack.contracts.outcomes import HistoryRecordImported
from traintrack.contracts.topics import (
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    MATCHING_EVENTS,
    OUTCOMES_EVENTS,
)
from traintrack.outcomes import commands
from traintrack.outcomes.adapters.mapping import as_fact, enrollment_entry, kind_of, trainee_entry
from traintrack.outcomes.domain.records import KINDS
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.streams import StreamApp, consume

AGENTS = {
    ENROLLMENT_EVENTS: "record_enrollment_events",
    EVALUATION_EVENTS: "record_evaluation_events",
    MATCHING_EVENTS: "record_matching_events",
    # Its own reports too: the store is rebuilt from the topics alone.
    OUTCOMES_EVENTS: "record_outcome_reports",
}


def record_facts(events: Sequence[Envelope]) -> commands.RecordFacts:
    return commands.RecordFacts(tuple(map(as_fact, events)))


def record_registrations(events: Sequence[Envelope]) -> commands.RecordRegistrations:
    return commands.RecordRegistrations(
        tuple(map(as_fact, events)), tuple(map(trainee_entry, events))
    )


def record_enrollments(events: Sequence[Envelope]) -> commands.RecordEnrollments:
    return commands.RecordEnrollments(
        tuple(map(as_fact, events)), tuple(map(enrollment_entry, events))
    )


FACT_TYPES = [t for t in REGISTRY if kind_of(t) in KINDS] + [HistoryRecordImported.type]
# Events of one type arrive in runs (a replay reads thousands of registrations in a row):
# each run is one command, in one transaction with the inbox claims.
COMMANDS: dict[str, Callable[[Sequence[Envelope]], object]] = {
    **dict.fromkeys(FACT_TYPES, record_facts),
    TraineeRegistered.type: record_registrations,
    TraineeEnrolled.type: record_enrollments,
}


def command_for(events: Sequence[Envelope]) -> object:
    """The command for a run of events of one type."""
    return COMMANDS[events[0].type](events)


def subscribe(app: StreamApp, build: Callable[[], Awaitable[EventConsumer]]) -> None:
    """An agent per topic, sharing the consumer `build` makes."""
    for topic, agent_name in AGENTS.items():
        consume(app, topic, agent_name=agent_name, build=build, batch=200)
