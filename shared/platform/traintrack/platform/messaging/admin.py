"""Kafka administration the platform needs: its declared topics made and kept as declared,
a cluster that could lose acknowledged events refused, and the partitions of topics."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential_jitter

from traintrack.contracts.topics import (
    ALL_TOPICS,
    REPLICATION_VARIABLE,
    Topic,
    replication,
)
from traintrack.platform.messaging.connection import KafkaConnection

log = logging.getLogger(__name__)
T = TypeVar("T")


class TopicsRefused(RuntimeError):
    """The cluster does not hold the topics as declared, and we must not run on it."""


@dataclass(frozen=True)
class Wanted:
    name: str
    partitions: int
    configs: dict[str, str]


@dataclass(frozen=True)
class Found:
    name: str
    partitions: int
    replication: int  # the smallest replica set of any partition


def declared(topics: tuple[Topic, ...] = ALL_TOPICS) -> list[Wanted]:
    """Every topic and DLQ of `topics` with its partitions and settings."""
    return [
        wanted
        for topic in topics
        for wanted in (
            Wanted(topic.name, topic.partitions, topic.configs()),
            Wanted(topic.dlq, topic.partitions, topic.dlq_configs()),
        )
    ]


def ensure_topics(kafka: KafkaConnection, timeout: float = 60.0) -> list[str]:
    """Create what is missing, put back settings that differ from the declarations; refuse
    (TopicsRefused) a cluster that cannot hold the declared replication or holds a topic
    with fewer replicas. Returns what was changed, one line each."""
    return _through_broker_faults(_ensure, kafka, timeout)


def verify_topics(kafka: KafkaConnection, names: list[str], timeout: float = 60.0) -> None:
    """Refuse (TopicsRefused) to run on a cluster where one of `names` is missing, holds
    fewer replicas than declared, or the brokers are fewer than the replication needs."""
    _through_broker_faults(partial(_verify, names=names), kafka, timeout)


def _through_broker_faults(
    act: Callable[[KafkaConnection, float], T], kafka: KafkaConnection, timeout: float
) -> T:
    """`act`, again while a broker it reached is away (a node restarting still stands in
    the metadata for a while); a refusal is an answer, not a fault."""
    retrying = Retrying(
        retry=retry_if_exception_type(KafkaError),
        stop=stop_after_delay(timeout),
        wait=wait_exponential_jitter(multiplier=0.2, max=3),
        before_sleep=lambda state: log.warning("kafka admin: %s; retrying", state.outcome),
        reraise=True,
    )
    return retrying(act, kafka, timeout)


def _ensure(kafka: KafkaConnection, timeout: float) -> list[str]:
    admin = _admin(kafka, timeout)
    try:
        wanted = declared()
        found = _refuse_what_could_lose(admin, wanted)
        missing = [w for w in wanted if w.name not in found]
        if missing:
            _create(admin, missing)
        changed = [f"created {w.name}" for w in missing]
        changed += _put_back_settings(admin, [w for w in wanted if w.name in found])
        for w in wanted:
            if w.name in found and found[w.name].partitions != w.partitions:
                # Never changed here: more partitions would move keys and break their order.
                log.warning(
                    "%s has %d partitions, %d declared; left as it is",
                    w.name,
                    found[w.name].partitions,
                    w.partitions,
                )
        for line in changed:
            log.info("kafka topics: %s", line)
        return changed
    finally:
        admin.close()


def _verify(kafka: KafkaConnection, timeout: float, *, names: list[str]) -> None:
    admin = _admin(kafka, timeout)
    try:
        wanted = [w for w in declared() if w.name in names]
        found = _refuse_what_could_lose(admin, wanted)
        missing = sorted(w.name for w in wanted if w.name not in found)
        if missing:
            raise TopicsRefused(
                f"topics missing: {', '.join(missing)}; create them first "
                "(python -m traintrack.demo.devtools create-topics BOOTSTRAP)"
            )
    finally:
        admin.close()


def _refuse_what_could_lose(admin: KafkaAdminClient, wanted: list[Wanted]) -> dict[str, Found]:
    needed = replication().factor
    found = _describe(admin, [w.name for w in wanted])
    short = sorted(f"{f.name} ({f.replication})" for f in found.values() if f.replication < needed)
    if short:
        raise TopicsRefused(
            f"topics with fewer replicas than the {needed} declared: {', '.join(short)}; "
            "an acknowledged event on them is lost with one broker. Reassign their replicas "
            "(kafka-reassign-partitions) before starting traintrack on this cluster"
        )
    brokers = len(admin.describe_cluster()["brokers"])
    if brokers < needed:
        raise TopicsRefused(
            f"{brokers} broker(s) in the cluster, {REPLICATION_VARIABLE}={needed} declared: "
            f"set {REPLICATION_VARIABLE}=1 (and TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS=1) "
            "for a one-broker development cluster"
        )
    return found


def _describe(admin: KafkaAdminClient, names: list[str]) -> dict[str, Found]:
    existing = set(admin.list_topics())
    present = [n for n in names if n in existing]
    if not present:
        return {}
    return {
        t["name"]: Found(
            t["name"],
            len(t["partitions"]),
            min(len(p["replica_nodes"]) for p in t["partitions"]),
        )
        for t in admin.describe_topics(present)
    }


def _create(admin: KafkaAdminClient, missing: list[Wanted]) -> None:
    factor = replication().factor
    request = {
        w.name: {"num_partitions": w.partitions, "replication_factor": factor, "configs": w.configs}
        for w in missing
    }
    with contextlib.suppress(TopicAlreadyExistsError):  # another runner was quicker
        admin.create_topics(request, wait_for_metadata=True)


def _put_back_settings(admin: KafkaAdminClient, present: list[Wanted]) -> list[str]:
    if not present:
        return []
    resources = [ConfigResource(ConfigResourceType.TOPIC, w.name) for w in present]
    described = admin.describe_configs(resources, config_filter="all")["topic"]
    changes = []
    for w in present:
        now = {name: entry["value"] for name, entry in described[w.name].items()}
        differ = {name: value for name, value in w.configs.items() if now.get(name) != value}
        if differ:
            admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, w.name, differ)])
            changes.append(f"set {w.name}: {', '.join(f'{k}={v}' for k, v in differ.items())}")
    return changes


def committed_offsets(kafka: KafkaConnection, group: str) -> dict[tuple[str, int], int]:
    """The next offset `group` reads on each (topic, partition) it has committed on."""
    admin = _admin(kafka, 30.0)
    try:
        found: dict[str, Any] = admin.list_group_offsets([group])  # type: ignore[no-untyped-call]
    finally:
        admin.close()
    return {
        (tp.topic, tp.partition): meta.offset
        for tp, meta in (found.get(group) or {}).items()
        if meta.offset >= 0
    }


def controller_leader(kafka: KafkaConnection) -> int:
    """The node id of the KRaft quorum's leader (the active controller)."""
    admin = _admin(kafka, 30.0)
    try:
        quorum: dict[str, Any] = admin.describe_metadata_quorum()  # type: ignore[no-untyped-call]
    finally:
        admin.close()
    return int(quorum["topics"][0]["partitions"][0]["leader_id"])


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
