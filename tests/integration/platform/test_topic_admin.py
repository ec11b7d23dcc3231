"""The admin makes the declared topics as declared, puts back a setting changed by hand,
and refuses a cluster where a topic holds fewer replicas than declared, as do the workers."""

import subprocess
import sys
import time
import uuid

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from traintrack.contracts.topics import ALL_TOPICS
from traintrack.devstack.services import WORKER_READY
from traintrack.platform.messaging.admin import TopicsRefused, ensure_topics, verify_topics

pytestmark = pytest.mark.integration
FACTOR = "TRAINTRACK_KAFKA_REPLICATION_FACTOR"
MIN_INSYNC = "TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"
NINETY_DAYS_MS = "7776000000"


@pytest.fixture
def prefix(monkeypatch):
    """Topics of this test alone, declared at one replica (the dev cluster has one broker)."""
    name = f"admin{uuid.uuid4().hex[:8]}."
    monkeypatch.setenv("TRAINTRACK_TOPIC_PREFIX", name)
    monkeypatch.setenv(FACTOR, "1")
    monkeypatch.setenv(MIN_INSYNC, "1")
    return name


@pytest.fixture
def admin(platform):
    client = KafkaAdminClient(bootstrap_servers=platform.kafka_bootstrap)
    yield client
    client.close()


def settings_of(admin, name):
    described = admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name)], config_filter="all"
    )["topic"][name]
    wanted = ("cleanup.policy", "retention.ms", "min.insync.replicas", "max.message.bytes")
    return {key: described[key]["value"] for key in wanted}


def wait_for_setting(admin, name, retention_ms, seconds=10.0):
    deadline = time.monotonic() + seconds
    while (found := settings_of(admin, name)["retention.ms"]) != retention_ms:
        assert time.monotonic() < deadline, f"retention.ms of {name} stayed {found}"
        time.sleep(0.1)


def test_every_topic_and_dlq_is_made_with_the_declared_settings(platform, admin, prefix):
    changed = ensure_topics(platform.kafka)

    assert sorted(changed) == sorted(
        f"created {prefix}{base}" for t in ALL_TOPICS for base in (t.base, f"{t.base}.dlq")
    )
    assert settings_of(admin, f"{prefix}enrollment.events.v1") == {
        "cleanup.policy": "delete",
        "retention.ms": "-1",
        "min.insync.replicas": "1",
        "max.message.bytes": "1048588",
    }
    assert settings_of(admin, f"{prefix}enrollment.events.v1.dlq") == {
        "cleanup.policy": "delete",
        "retention.ms": NINETY_DAYS_MS,
        "min.insync.replicas": "1",
        "max.message.bytes": "1048588",
    }
    [described] = admin.describe_topics([f"{prefix}institute.submissions.v1"])
    assert len(described["partitions"]) == 6
    assert {len(p["replica_nodes"]) for p in described["partitions"]} == {1}
    assert ensure_topics(platform.kafka) == []  # nothing left to do


def test_a_setting_changed_by_hand_is_put_back(platform, admin, prefix):
    ensure_topics(platform.kafka)
    name = f"{prefix}matching.events.v1"
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, {"retention.ms": "60000"})])
    wait_for_setting(admin, name, "60000")  # the brokers learn it from the metadata log

    assert ensure_topics(platform.kafka) == [f"set {name}: retention.ms=-1"]
    wait_for_setting(admin, name, "-1")


def test_topics_with_fewer_replicas_than_declared_are_refused(platform, prefix, monkeypatch):
    ensure_topics(platform.kafka)  # at one replica, as the one broker allows
    monkeypatch.setenv(FACTOR, "2")
    monkeypatch.setenv(MIN_INSYNC, "1")
    names = [f"{prefix}outcomes.events.v1", f"{prefix}outcomes.events.v1.dlq"]

    with pytest.raises(TopicsRefused, match="fewer replicas than the 2 declared") as refused:
        ensure_topics(platform.kafka)
    assert f"{prefix}institute.submissions.v1 (1)" in str(refused.value)
    with pytest.raises(TopicsRefused, match=rf"{prefix}outcomes\.events\.v1 \(1\)"):
        verify_topics(platform.kafka, names)


def test_a_cluster_with_fewer_brokers_than_replicas_is_refused(platform, prefix, monkeypatch):
    monkeypatch.setenv(FACTOR, "3")
    monkeypatch.setenv(MIN_INSYNC, "2")
    with pytest.raises(TopicsRefused, match=f"1 broker.*{FACTOR}=3"):
        ensure_topics(platform.kafka)  # nothing exists under this prefix yet


def test_missing_topics_are_refused_by_the_check(platform, prefix):
    with pytest.raises(TopicsRefused, match=f"topics missing: {prefix}"):
        verify_topics(platform.kafka, [f"{prefix}evaluation.events.v1"])


def test_a_worker_does_not_start_on_under_replicated_topics(platform, prefix, tmp_path):
    ensure_topics(platform.kafka)
    env = {
        "PATH": "/usr/bin:/bin",
        "TRAINTRACK_TOPIC_PREFIX": prefix,
        FACTOR: "2",
        MIN_INSYNC: "1",
        "OUTCOMES_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
        "OUTCOMES_DATABASE_URL": f"{platform.pg_url}/postgres",
        "OUTCOMES_STATE_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "traintrack.outcomes", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "outcomes worker: not starting: topics with fewer replicas than the 2" in done.stderr
    assert WORKER_READY not in done.stdout + done.stderr
