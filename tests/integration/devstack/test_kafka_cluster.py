"""The dev stack's three-node KRaft cluster: three brokers in one cluster, topics at three
replicas with two in sync, writes acknowledged by all in-sync replicas surviving kill -9 of
the controller leader, and the dead node started again by the next `infra-up`."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient

from traintrack.devstack.kafka import KafkaNodes
from traintrack.devstack.pidfiles import PidFiles
from traintrack.devstack.processes import SetupError, free_port_run
from traintrack.platform.messaging.admin import controller_leader, ensure_topics
from traintrack.platform.messaging.connection import KafkaConnection

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture
def cluster(tmp_path: Path):
    nodes = KafkaNodes(
        tmp_path / "kafka",
        PidFiles(tmp_path / "pids", tmp_path / "logs"),
        3,
        free_port_run(6),
        "384m",
    )
    try:
        nodes.start()
        yield nodes
    finally:
        for name in nodes.names:
            if nodes.pids.alive(name):  # thrown away: no controlled shutdown to wait for
                nodes.pids.crash(name)


def brokers(bootstrap: str) -> set[int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return {b["broker_id"] for b in admin.describe_cluster()["brokers"]}
    finally:
        admin.close()


def eventually(probe, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while not (found := probe()):
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.5)
    return found


def test_three_nodes_keep_every_acknowledged_write_through_a_killed_leader(
    cluster: KafkaNodes, monkeypatch
):
    prefix = f"cluster{uuid.uuid4().hex[:6]}."
    monkeypatch.setenv("TRAINTRACK_TOPIC_PREFIX", prefix)
    monkeypatch.setenv("TRAINTRACK_KAFKA_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS", "2")
    assert cluster.names == ["kafka-1", "kafka-2", "kafka-3"]
    assert eventually(lambda: brokers(cluster.bootstrap) == {1, 2, 3})
    ensure_topics(KafkaConnection.plaintext(cluster.bootstrap))
    topic = f"{prefix}enrollment.events.v1"
    admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    [described] = admin.describe_topics([topic])
    admin.close()
    assert {len(p["replica_nodes"]) for p in described["partitions"]} == {3}

    producer = KafkaProducer(bootstrap_servers=cluster.bootstrap, acks="all", retries=20)
    sent = [f"before-{n}".encode() for n in range(50)]
    for value in sent:
        producer.send(topic, value, key=value)
    producer.flush(30)
    kafka = KafkaConnection.plaintext(cluster.bootstrap)
    leader = controller_leader(kafka)
    cluster.pids.crash(cluster.name_of(leader))
    after = [f"after-{n}".encode() for n in range(50)]
    for value in after:
        producer.send(topic, value, key=value).get(timeout=60)  # two replicas still in sync
    producer.close()

    assert read_all(cluster.bootstrap, topic) == sorted(sent + after)
    assert eventually(
        lambda: controller_leader(KafkaConnection.plaintext(cluster.bootstrap)) != leader
    )
    cluster.start()  # what the next infra-up does: only the dead node starts
    assert eventually(lambda: brokers(cluster.bootstrap) == {1, 2, 3})


def test_a_two_node_quorum_is_refused(tmp_path: Path):
    with pytest.raises(SetupError, match="1, or 3 to 5"):
        KafkaNodes(tmp_path, PidFiles(tmp_path / "p", tmp_path / "l"), 2)


def read_all(bootstrap: str, topic: str) -> list[bytes]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in range(6)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    found: list[bytes] = []
    deadline = time.monotonic() + 60
    while any(consumer.position(tp) < ends[tp] for tp in partitions):
        assert time.monotonic() < deadline, "could not read the topic to its end"
        for records in consumer.poll(timeout_ms=500).values():
            found.extend(r.value for r in records)
    consumer.close()
    return sorted(found)
