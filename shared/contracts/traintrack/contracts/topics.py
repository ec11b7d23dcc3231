"""Every Kafka topic of the platform, declared once: name, single writer, its readers, key,
partitions and the compatibility its event contracts keep.

TRAINTRACK_TOPIC_PREFIX (read when a name is used) puts the whole platform into its own
namespace on a shared cluster; the test suite uses it so that its events never reach a
platform running beside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

PREFIX_VARIABLE = "TRAINTRACK_TOPIC_PREFIX"

# The largest record batch a topic takes: Kafka's default `message.max.bytes`, which the
# dev broker sets and every topic we create pins (`max.message.bytes`). Producers refuse
# more (`codec.record_size` is how they count), consumers fetch at least this much, and
# the DLQ writer shrinks a dead letter that would not fit.
MAX_MESSAGE_BYTES = 1_048_588

# "forward": a consumer built against a published schema reads what producers send now
# (fields and optional fields may be added; nothing required goes, no type changes);
# `schemagen` refuses any other change to a topic's contracts: it needs a new event version.
Compatibility = Literal["forward"]


@dataclass(frozen=True)
class Topic:
    base: str  # the name in the contracts and the AsyncAPI document
    writer: str
    key: str
    description: str
    # The consumers that read it, named as their workers name themselves (each service's
    # `consumer_name`, also its consumer group): the operations service watches their lag.
    readers: tuple[str, ...] = ()
    compatibility: Compatibility = "forward"
    partitions: int = 6
    # Written by clients outside the platform, whose partitioner we do not choose (the
    # README asks for murmur2): a reader looking for a key looks wherever any client puts it.
    external_producers: bool = False

    @property
    def name(self) -> str:
        return os.environ.get(PREFIX_VARIABLE, "") + self.base

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


INSTITUTE_SUBMISSIONS = Topic(
    "institute.submissions.v1",
    writer="training institutes (via the institute SDK)",
    key="pseudonymous trainee id",
    description="Submissions that training institutes produce straight onto Kafka.",
    readers=("enrollment",),
    external_producers=True,
)
ENROLLMENT_EVENTS = Topic(
    "enrollment.events.v1",
    writer="enrollment",
    key="pseudonymous trainee id",
    description="Trainees, enrollments, attendance, surveys: facts without personal details.",
    readers=("evaluation", "matching", "outcomes"),
)
EVALUATION_EVENTS = Topic(
    "evaluation.events.v1",
    writer="evaluation",
    key="pseudonymous trainee id",
    description="Assessments, stage decisions, credentials.",
    readers=("matching", "outcomes"),
)
MATCHING_EVENTS = Topic(
    "matching.events.v1",
    writer="matching",
    key="pseudonymous trainee id, or opening id for opening events",
    description="Openings, deliveries, match rounds, offers, internships, hires.",
    readers=("outcomes",),
)
OUTCOMES_EVENTS = Topic(
    "outcomes.events.v1",
    writer="outcomes",
    key="pseudonymous trainee id",
    description="Employment records and indicator snapshots.",
    readers=("outcomes",),
)

ALL_TOPICS: tuple[Topic, ...] = (
    INSTITUTE_SUBMISSIONS,
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    MATCHING_EVENTS,
    OUTCOMES_EVENTS,
)


def consumers() -> dict[str, tuple[Topic, ...]]:
    """Each consumer and the topics it reads, in the order of ALL_TOPICS."""
    found: dict[str, tuple[Topic, ...]] = {}
    for topic in ALL_TOPICS:
        for reader in topic.readers:
            found[reader] = (*found.get(reader, ()), topic)
    return found


def topic_names_with_dlqs() -> list[str]:
    return [name for topic in ALL_TOPICS for name in (topic.name, topic.dlq)]


def by_name(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
