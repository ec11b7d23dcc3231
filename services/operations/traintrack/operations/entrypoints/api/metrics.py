"""The pipeline's health in Prometheus' text format (the alert rules read these names)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Gauge, generate_latest


def prometheus(state: dict[str, Any]) -> bytes:
    registry = CollectorRegistry()
    lag = Gauge(
        "consumer_lag",
        "Records not yet processed",
        ["consumer", "topic", "partition"],
        registry=registry,
    )
    committed = Gauge(
        "consumer_committed_offset",
        "Committed offset (rate() = events/s)",
        ["consumer", "topic", "partition"],
        registry=registry,
    )
    dead = Gauge("dlq_messages", "Messages in a dead-letter topic", ["topic"], registry=registry)
    failed = Gauge(
        "consumer_last_dead_letter_timestamp_seconds",
        "When the consumer last dead-lettered a message",
        ["consumer"],
        registry=registry,
    )
    unsent = Gauge(
        "service_outbox_unsent_events", "Unpublished outbox rows", ["service"], registry=registry
    )
    age = Gauge(
        "service_outbox_oldest_unsent_age_seconds",
        "Oldest unpublished outbox row",
        ["service"],
        registry=registry,
    )
    for row in state["partitions"]:
        labels = (row.consumer, row.topic, str(row.partition))
        lag.labels(*labels).set(row.lag)
        committed.labels(*labels).set(row.committed or 0)
    for name, size in state["dead_letters"].items():
        dead.labels(name).set(size)
    for name, c in state["consumers"].items():
        if c["last_error"] and c["last_error"]["at"]:
            failed.labels(name).set(c["last_error"]["at"].timestamp())
    for service, values in state["outbox"].items():
        if values["unsent"] is not None:
            unsent.labels(service).set(values["unsent"])
            age.labels(service).set(values["oldest_age_seconds"] or 0)
    return generate_latest(registry)
