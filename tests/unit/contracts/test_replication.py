"""Replication is configuration: production values by default, anything else said aloud."""

import pytest

from traintrack.contracts.topics import ALL_TOPICS, Replication, replication

FACTOR = "TRAINTRACK_KAFKA_REPLICATION_FACTOR"
MIN_INSYNC = "TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(FACTOR, raising=False)
    monkeypatch.delenv(MIN_INSYNC, raising=False)


def test_three_replicas_two_in_sync_unless_configured():
    assert replication() == Replication(3, 2)


def test_one_broker_development_sets_one_and_the_in_sync_minimum_follows(monkeypatch):
    monkeypatch.setenv(FACTOR, "1")
    assert replication() == Replication(1, 1)
    monkeypatch.setenv(FACTOR, "5")
    assert replication() == Replication(5, 4)


def test_the_in_sync_minimum_may_equal_the_factor_but_not_exceed_it(monkeypatch):
    monkeypatch.setenv(FACTOR, "3")
    monkeypatch.setenv(MIN_INSYNC, "3")
    assert replication() == Replication(3, 3)
    monkeypatch.setenv(MIN_INSYNC, "4")
    with pytest.raises(ValueError, match="exceeds"):
        replication()


@pytest.mark.parametrize("text", ["0", "-1", "two", "", "1.5"])
def test_a_factor_that_is_not_a_whole_number_of_at_least_one_is_refused(monkeypatch, text):
    monkeypatch.setenv(FACTOR, text)
    with pytest.raises(ValueError, match=FACTOR):
        replication()


def test_topics_carry_the_configured_in_sync_minimum(monkeypatch):
    monkeypatch.setenv(FACTOR, "1")
    assert {t.configs()["min.insync.replicas"] for t in ALL_TOPICS} == {"1"}
    assert {t.dlq_configs()["min.insync.replicas"] for t in ALL_TOPICS} == {"1"}
