"""Kafka administration the platform needs: the topics it declares, and their partitions."""

from __future__ import annotations

import contextlib
import time

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from traintrack.contracts.topics import ALL_TOPICS, MAX_MESSAGE_BYTES


def create_topics(bootstrap: str, timeout: float = 60.0) -> None:
    """Create every declared topic, DLQs included, each taking records up to the platform's
    size limit whatever the broker's default; existing ones are left as they are."""
    admin = _admin(bootstrap, timeout)
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


def partitions(bootstrap: str, names: list[str]) -> list[tuple[str, int]]:
    """Every (topic, partition) of the named topics, as the broker describes them."""
    admin = _admin(bootstrap, 30.0)
    try:
        described = admin.describe_topics(names)
    finally:
        admin.close()
    return [(t["name"], p["partition_index"]) for t in described for p in t["partitions"]]


def _admin(bootstrap: str, timeout: float) -> KafkaAdminClient:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="traintrack-setup")
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
