"""Kafka, PostgreSQL and Zipkin from testcontainers, for machines with a Docker engine.

Not exercised on the development machines (they have no Docker engine); the local
processes of the dev stack (traintrack.devstack) serve the same fixtures there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from tests.utils.platform import Platform


@contextmanager
def containers() -> Iterator[Platform]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    # One broker: one replica, by configuration (inherited by every process the tests start).
    os.environ.setdefault("TRAINTRACK_KAFKA_REPLICATION_FACTOR", "1")
    os.environ.setdefault("TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS", "1")
    with (
        KafkaContainer("apache/kafka:4.4.0").with_kraft() as kafka,
        PostgresContainer(
            "postgres:16", username="traintrack", password="traintrack", driver=None
        ) as pg,
        DockerContainer("openzipkin/zipkin:3").with_exposed_ports(9411) as zipkin,
    ):
        wait_for_logs(zipkin, "Started ZipkinServer", timeout=120)
        host, port = pg.get_container_host_ip(), pg.get_exposed_port(5432)
        platform = Platform(
            kafka.get_bootstrap_server(),
            f"postgresql://traintrack:traintrack@{host}:{port}",
            f"http://{zipkin.get_container_host_ip()}:{zipkin.get_exposed_port(9411)}",
        )
        platform.ensure_topics()
        yield platform
