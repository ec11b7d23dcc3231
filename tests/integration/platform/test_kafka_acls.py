"""The broker enforces who writes and reads what: on the dev stack's secured Kafka, with the
users and ACLs `devtools kafka-security` makes from the topic declarations, a client without
credentials gets nowhere, a service writes its own topic and is refused another's, and an
institute writes submissions and nothing else, reading nothing at all."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from kafka import KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KafkaPartition
from kafka.errors import GroupAuthorizationFailedError, KafkaError
from kafka.errors import TopicAuthorizationFailedError as RefusedTopic

from tests.utils.keys import signing_secret_of
from traintrack.contracts.submissions import RecordAttendance
from traintrack.contracts.topics import (
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    INSTITUTE_SUBMISSIONS,
)
from traintrack.devstack.kafka import ADMIN, KafkaNodes
from traintrack.devstack.pidfiles import PidFiles
from traintrack.institute.sdk import InstituteClient, security
from traintrack.platform.messaging.admin import ensure_topics
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.outbox import new_producer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
PORT = 29120  # this test's broker: client port, and its controller one above
INSTITUTE = "lf-acl-test"
T = TypeVar("T")


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[tuple[KafkaNodes, Path]]:
    """One secured node, its topics, and the users and ACLs the declarations imply."""
    home = tmp_path_factory.mktemp("acls")
    nodes = KafkaNodes(
        home / "kafka", PidFiles(home / "pids", home / "logs"), 1, PORT, "384m", "sasl_ssl"
    )
    one_node = {
        "TRAINTRACK_KAFKA_REPLICATION_FACTOR": "1",
        "TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS": "1",
    }
    before = {name: os.environ.get(name) for name in one_node}
    os.environ.update(one_node)
    try:
        nodes.start()
        admin = connection(nodes, ADMIN, nodes.password_file(ADMIN))
        ensure_topics(admin)
        users = home / "users"
        devtools = [sys.executable, "-m", "traintrack.demo.devtools", "kafka-security"]
        subprocess.run(
            [
                *(*devtools, nodes.bootstrap, "--users-dir", str(users)),
                *("--institute", INSTITUTE),
                *("--password-file", str(nodes.password_file(ADMIN))),
                *("--ca-file", str(nodes.ca_file)),
            ],
            check=True,
        )
        yield nodes, users
    finally:
        for name in nodes.names:
            if nodes.pids.alive(name):  # thrown away: no controlled shutdown to wait for
                nodes.pids.crash(name)
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def connection(nodes: KafkaNodes, user: str, password_file: Path) -> KafkaConnection:
    password = password_file.read_text().strip()
    return KafkaConnection(
        nodes.bootstrap, "SASL_SSL", username=user, password=password, ca_file=str(nodes.ca_file)
    )


def as_user(secured: tuple[KafkaNodes, Path], principal: str) -> KafkaConnection:
    nodes, users = secured
    return connection(nodes, principal, users / f"{principal}.password")


async def started(kafka: KafkaConnection):
    """A platform producer as this principal, once its new SCRAM user reached the broker."""
    deadline = time.monotonic() + 30
    while True:
        producer = new_producer(kafka, request_timeout_ms=10_000)
        try:
            await producer.start()
            return producer
        except KafkaConnectionError:
            await producer.stop()
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def retried(act: Callable[[], T]) -> T:
    """`act` once the new SCRAM user reached the broker (kafka-python says NoBrokers before)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return act()
        except KafkaError as error:
            if isinstance(error, RefusedTopic) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def polled_for(consumer: KafkaConsumer, *, seconds: float) -> None:
    """Poll until the consumer raises what the broker said (or `seconds` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        consumer.poll(timeout_ms=1_000)


async def test_a_client_without_credentials_is_refused(secured):
    nodes, _ = secured
    producer = new_producer(KafkaConnection.plaintext(nodes.bootstrap), request_timeout_ms=5_000)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()
    wrong = KafkaConnection(
        nodes.bootstrap,
        "SASL_SSL",
        username="svc-enrollment",
        password="not-its-password",
        ca_file=str(nodes.ca_file),
    )
    producer = new_producer(wrong, request_timeout_ms=5_000)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


async def test_a_service_writes_its_own_topic_and_is_refused_another_services(secured):
    producer = await started(as_user(secured, "svc-enrollment"))
    try:
        written = await producer.send_and_wait(ENROLLMENT_EVENTS.name, b"{}", key=b"t-1")
        assert written.offset >= 0
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(EVALUATION_EVENTS.name, b"{}", key=b"t-1")
    finally:
        await producer.stop()


async def test_an_institute_writes_submissions_only_and_reads_nothing(secured):
    kafka = as_user(secured, f"institute-{INSTITUTE}")
    client = InstituteClient(
        bootstrap=kafka.bootstrap,
        signing_secret=signing_secret_of("tt_k1_secret"),
        security_protocol="SASL_SSL",
        username=kafka.username,
        password=kafka.password,
        ca_file=kafka.ca_file,
    )
    submission = RecordAttendance(
        trainee_id="t-1", enrollment_id="e-1", day=date(2026, 3, 3), status="absent"
    )
    try:
        written = retried(lambda: client.send(submission).get(timeout=30))
        assert written.topic == INSTITUTE_SUBMISSIONS.name
    finally:
        client.close()

    options = security("SASL_SSL", kafka.username, kafka.password, kafka.ca_file, "SCRAM-SHA-512")
    producer = KafkaProducer(bootstrap_servers=kafka.bootstrap, **options, max_block_ms=10_000)
    try:
        with pytest.raises(RefusedTopic):
            producer.send(ENROLLMENT_EVENTS.name, b"{}", key=b"t-1").get(timeout=30)
    finally:
        producer.close()

    reader = KafkaConsumer(bootstrap_servers=kafka.bootstrap, **options)
    try:
        # The submissions it writes (and may describe): fetching them is refused.
        reader.assign([KafkaPartition(INSTITUTE_SUBMISSIONS.name, 0)])
        reader.seek_to_beginning()
        with pytest.raises(RefusedTopic):
            polled_for(reader, seconds=20)
        # Another topic it may not even see: no partitions.
        assert reader.partitions_for_topic(ENROLLMENT_EVENTS.name) == set()
    finally:
        reader.close()
    asking = KafkaConsumer(bootstrap_servers=kafka.bootstrap, **options)
    try:  # and asking for its offsets is refused
        with pytest.raises(RefusedTopic):
            asking.beginning_offsets([KafkaPartition(ENROLLMENT_EVENTS.name, 0)])
    finally:
        asking.close()
    grouped = KafkaConsumer(
        INSTITUTE_SUBMISSIONS.name,
        bootstrap_servers=kafka.bootstrap,
        group_id="enrollment",
        **options,
    )
    try:
        with pytest.raises(GroupAuthorizationFailedError):
            polled_for(grouped, seconds=20)
    finally:
        grouped.close()
