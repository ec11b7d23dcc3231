"""The dev stack's secured Kafka (TRAINTRACK_KAFKA_SECURITY=sasl_ssl), three nodes: only
SASL/SCRAM over TLS gets in, with the certificate the dev stack made; the brokers replicate
to each other (authenticated) so a topic at three replicas takes writes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from traintrack.devstack.kafka import ADMIN, KafkaNodes
from traintrack.devstack.pidfiles import PidFiles
from traintrack.devstack.processes import free_port_run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    home = tmp_path_factory.mktemp("secured")
    nodes = KafkaNodes(
        home / "kafka",
        PidFiles(home / "pids", home / "logs"),
        3,
        free_port_run(6),
        "384m",
        security="sasl_ssl",
    )
    try:
        nodes.start()
        yield nodes
    finally:
        for name in nodes.names:
            if nodes.pids.alive(name):  # thrown away: no controlled shutdown to wait for
                nodes.pids.crash(name)


def as_admin(nodes: KafkaNodes, password: str | None = None) -> dict[str, object]:
    return {
        "bootstrap_servers": nodes.bootstrap,
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": ADMIN,
        "sasl_plain_password": password or nodes.password_file(ADMIN).read_text().strip(),
        "ssl_cafile": str(nodes.ca_file),
    }


def test_the_admin_gets_in_over_tls_and_writes_to_three_replicas(secured: KafkaNodes):
    assert oct(secured.password_file(ADMIN).stat().st_mode & 0o777) == "0o600"
    assert not Path(secured.tls / "ca.key").exists()  # the CA's key was never kept
    admin = KafkaAdminClient(**as_admin(secured), request_timeout_ms=60_000)
    topic = f"secured-{uuid.uuid4().hex[:6]}"
    try:
        assert {b["broker_id"] for b in admin.describe_cluster()["brokers"]} == {1, 2, 3}
        admin.create_topics(
            {topic: {"num_partitions": 3, "replication_factor": 3}}, wait_for_metadata=True
        )
    finally:
        admin.close()
    producer = KafkaProducer(**as_admin(secured), acks="all")
    try:
        written = producer.send(topic, b"through two in-sync replicas").get(timeout=60)
    finally:
        producer.close()
    assert written.offset == 0


def test_a_plaintext_client_is_refused(secured: KafkaNodes):
    with pytest.raises(KafkaError):
        KafkaAdminClient(bootstrap_servers=secured.bootstrap, bootstrap_timeout_ms=5_000)


def test_tls_without_credentials_is_refused(secured: KafkaNodes):
    with pytest.raises(KafkaError):
        KafkaAdminClient(
            bootstrap_servers=secured.bootstrap,
            security_protocol="SSL",
            ssl_cafile=str(secured.ca_file),
            bootstrap_timeout_ms=5_000,
        )


def test_a_wrong_password_is_refused(secured: KafkaNodes):
    with pytest.raises(KafkaError):
        wrong = as_admin(secured, password="not-the-password")
        KafkaAdminClient(**wrong, bootstrap_timeout_ms=5_000)
