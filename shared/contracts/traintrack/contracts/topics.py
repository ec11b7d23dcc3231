"""Every Kafka topic of the platform, declared once: name, single writer, its readers, key,
partitions, replication, retention and the compatibility its event contracts keep; and the
settings every producer of the platform uses.

TRAINTRACK_TOPIC_PREFIX (read when a name is used) puts the whole platform into its own
namespace on a shared cluster; the test suite uses it so that its events never reach a
platform running beside it.

Replication is the cluster's business, so it is configuration, read when used:
TRAINTRACK_KAFKA_REPLICATION_FACTOR (default 3) and TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS
(default: one less than the factor, at least 1). A one-broker development cluster sets 1.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

PREFIX_VARIABLE = "TRAINTRACK_TOPIC_PREFIX"
REPLICATION_VARIABLE = "TRAINTRACK_KAFKA_REPLICATION_FACTOR"
MIN_INSYNC_VARIABLE = "TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"
DAY_MS = 24 * 3600 * 1000
# Kept for ever: a projection is rebuilt (outcomes replay) and a late reader catches up from
# the first event. Nothing of ours is keyed state, so nothing is compacted: compaction keeps
# a key's last record, and a trainee's key carries a history every record of which counts.
FOREVER = -1
# A dead letter waits for an operator's replay or discard; an alert fires on the first one
# (infra/prometheus/alerts.yml), so a quarter is ample, and the operations store keeps
# what was decided about each letter beyond it.
DLQ_RETENTION_MS = 90 * DAY_MS

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
class Replication:
    factor: int
    min_insync: int


def replication() -> Replication:
    """The replication every topic is created with and checked against (see the module)."""
    factor = _positive(REPLICATION_VARIABLE, os.environ.get(REPLICATION_VARIABLE, "3"))
    default_min = str(max(1, factor - 1))
    min_insync = _positive(MIN_INSYNC_VARIABLE, os.environ.get(MIN_INSYNC_VARIABLE, default_min))
    if min_insync > factor:
        raise ValueError(
            f"{MIN_INSYNC_VARIABLE}={min_insync} exceeds {REPLICATION_VARIABLE}={factor}: "
            "no write with acks=all could ever succeed"
        )
    return Replication(factor, min_insync)


def _positive(name: str, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


@dataclass(frozen=True)
class ProducerSettings:
    """What every producer of the platform (relay, workers, DLQ writer, institute SDK) sets:
    nothing acknowledged is lost while min.insync.replicas replicas live, and a retry never
    writes a record twice or out of order."""

    acks: Literal["all"] = "all"
    idempotent: bool = True
    linger_ms: int = 5
    batch_bytes: int = 256 * 1024
    max_request_bytes: int = MAX_MESSAGE_BYTES
    request_timeout_ms: int = 30_000


PRODUCER = ProducerSettings()


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
    # The most replicas a consumer group of this topic keeps busy (one consumer per
    # partition). Never changed on an existing topic: more partitions move keys, and a
    # trainee's events would no longer be read in order.
    partitions: int = 6
    retention_ms: int = FOREVER
    # Written by clients outside the platform, whose partitioner we do not choose (the
    # README asks for murmur2): a reader looking for a key looks wherever any client puts it.
    external_producers: bool = False

    def configs(self) -> dict[str, str]:
        """The topic-level settings the admin creates the topic with and keeps."""
        return _configs(self.retention_ms)

    def dlq_configs(self) -> dict[str, str]:
        return _configs(DLQ_RETENTION_MS)

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
    description="Trainees, enrollments, surveys, endings: facts without personal details "
    "(and the attendance of before enrollment.attendance.v1, as version 1 events).",
    readers=("evaluation", "matching", "outcomes"),
)
# A topic of its own: a day's attendance of every trainee is most of the platform's
# traffic, and only evaluation wants it; readers of enrollment.events.v1 no longer fetch it
# to skip it. Its order per trainee is its own: a reader that needs an enrollment known
# first keeps what arrives early (evaluation does).
ENROLLMENT_ATTENDANCE = Topic(
    "enrollment.attendance.v1",
    writer="enrollment",
    key="pseudonymous trainee id",
    description="Each training day recorded for an enrollment, with its attendance rates.",
    readers=("evaluation",),
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


def _configs(retention_ms: int) -> dict[str, str]:
    return {
        "cleanup.policy": "delete",
        "retention.ms": str(retention_ms),
        "retention.bytes": "-1",
        "min.insync.replicas": str(replication().min_insync),
        "max.message.bytes": str(MAX_MESSAGE_BYTES),
        "unclean.leader.election.enable": "false",
    }


ALL_TOPICS: tuple[Topic, ...] = (
    INSTITUTE_SUBMISSIONS,
    ENROLLMENT_EVENTS,
    ENROLLMENT_ATTENDANCE,
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


def used_by(service: str) -> list[str]:
    """The topics `service` writes (its own, and the DLQs of those it reads) or reads: what
    its processes check before they start, and all a secured cluster lets it see."""
    names: list[str] = []
    for topic in ALL_TOPICS:
        if topic.writer == service:
            names.append(topic.name)
        if service in topic.readers:
            names += [n for n in (topic.name, topic.dlq) if n not in names]
    return names


def topic_names_with_dlqs() -> list[str]:
    return [name for topic in ALL_TOPICS for name in (topic.name, topic.dlq)]


def by_name(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
