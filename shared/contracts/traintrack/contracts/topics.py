"""Every Kafka topic of the platform, declared once: name, single writer, key, partitions.

TRAINTRACK_TOPIC_PREFIX (read when a name is used) puts the whole platform into its own
namespace on a shared cluster; the test suite uses it so that its events never reach a
platform running beside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

PREFIX_VARIABLE = "TRAINTRACK_TOPIC_PREFIX"


@dataclass(frozen=True)
class Topic:
    base: str  # the name in the contracts and the AsyncAPI document
    writer: str
    key: str
    description: str
    partitions: int = 6

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
)
ENROLLMENT_EVENTS = Topic(
    "enrollment.events.v1",
    writer="enrollment",
    key="pseudonymous trainee id",
    description="Trainees, enrollments, attendance, surveys: facts without personal details.",
)
EVALUATION_EVENTS = Topic(
    "evaluation.events.v1",
    writer="evaluation",
    key="pseudonymous trainee id",
    description="Assessments, stage decisions, credentials.",
)
MATCHING_EVENTS = Topic(
    "matching.events.v1",
    writer="matching",
    key="pseudonymous trainee id, or opening id for opening events",
    description="Openings, deliveries, match rounds, offers, internships, hires.",
)
OUTCOMES_EVENTS = Topic(
    "outcomes.events.v1",
    writer="outcomes",
    key="pseudonymous trainee id",
    description="Employment records and indicator snapshots.",
)

ALL_TOPICS: tuple[Topic, ...] = (
    INSTITUTE_SUBMISSIONS,
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    MATCHING_EVENTS,
    OUTCOMES_EVENTS,
)


def topic_names_with_dlqs() -> list[str]:
    return [name for topic in ALL_TOPICS for name in (topic.name, topic.dlq)]


def by_name(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
