"""Kafka administration the platform needs: the topics it declares, and their partitions."""

from __future__ import annotations

import contextlib
import time

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from traintrack.contracts.topics import ALL_TOPICS, MAX_MESSAGE_BYTES
from traintrack.platform.messaging.connection import KafkaConnection


def create_topics(kafka: KafkaConnection, timeout: float = 60.0) -> None:
    """Create every declared topic, DLQs included, each taking records up to the platform's
    size limit whatever the broker's default; existing ones are left as they are."""
    admin = _admin(kafka, timeout)
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(
                name,
                topic.partitions,
                1,
                topic_configs={"max.message.bytes": str(MAX_MESSAGE_BYTES)},
            )
            for topic in ALL_TOPICS
            for name in (topic.name, topic.dlq)
            if name not in existing
        ]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):  # another runner was quicker
                admin.create_topics(wanted)
    finally:
        admin.close()


def partitions(kafka: KafkaConnection, names: list[str]) -> list[tuple[str, int]]:
    """Every (topic, partition) of the named topics, as the broker describes them."""
    admin = _admin(kafka, 30.0)
    try:
        described = admin.describe_topics(names)
    finally:
        admin.close()
    return [(t["name"], p["partition_index"]) for t in described for p in t["partitions"]]


def _admin(kafka: KafkaConnection, timeout: float) -> KafkaAdminClient:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return KafkaAdminClient(**kafka.kafka_python(), client_id="traintrack-setup")
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
