"""`make run` and `make up` wait for each worker to say in its log that it is ready: a
real worker process, started as they start it, says so in the words they wait for once it
has joined its group (faust's words were awaited for a while after faust had gone, and
`make run` gave up on every worker after 90 s)."""

from __future__ import annotations

import os
import uuid
from functools import partial
from pathlib import Path

import pytest

from traintrack.devstack import services
from traintrack.devstack.processes import ServiceProcesses, wait_until
from traintrack.platform.messaging.admin import ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


async def test_a_started_worker_says_ready_in_the_words_the_dev_stack_waits_for(
    platform, tmp_path: Path, monkeypatch
):
    prefix = f"ready{uuid.uuid4().hex[:6]}."
    monkeypatch.setenv("TRAINTRACK_TOPIC_PREFIX", prefix)
    monkeypatch.setenv("TRAINTRACK_KAFKA_REPLICATION_FACTOR", "1")
    monkeypatch.setenv("TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS", "1")
    ensure_topics(platform.kafka)
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("PATH", "TRAINTRACK_"))},
        "OUTCOMES_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
        "OUTCOMES_DATABASE_URL": await platform.fresh_database("worker_ready"),
        "OUTCOMES_STATE_DIR": str(tmp_path / "state"),
        "OTEL_TRACES_EXPORTER": "none",
    }
    worker = ServiceProcesses(tmp_path / "logs")
    log = tmp_path / "logs" / "outcomes-worker.log"
    try:
        worker.start("outcomes-worker", "traintrack.outcomes", "worker", env)
        assert not services._says_ready(log)  # not before it has joined its group
        wait_until(
            "outcomes worker",
            partial(services._says_ready, log),
            90,
            log,
            alive=lambda: worker.procs["outcomes-worker"].poll() is None,
        )
    finally:
        worker.stop_all()
    assert log.read_text().count(f": {services.WORKER_READY}") == 1
