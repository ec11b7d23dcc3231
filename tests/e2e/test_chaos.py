"""The short chaos run (`make chaos` is the long one): journeys from the load generator
while every service process, the Kafka broker and PostgreSQL are killed with -9 in turn;
afterwards every accepted event is in every store that should hold it, exactly once."""

from __future__ import annotations

import uuid

import pytest

from bench import chaos
from tests.utils.platform import ROOT
from tests.utils.processes import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


async def test_nothing_is_lost_or_duplicated_while_every_part_is_killed(platform, monkeypatch):
    if not (ROOT / ".run/pids/kafka.pid").exists():
        pytest.skip("kills the broker and the database: only those the dev stack started")
    # Topics of its own: the e2e workers of this session must not read the run's events.
    monkeypatch.setenv("TRAINTRACK_TOPIC_PREFIX", f"chaos{uuid.uuid4().hex[:6]}.")

    verdict = await chaos.run(journeys=500, seed=11, rounds=1, every=5, platform=platform)

    (ARTIFACTS / "chaos-short.txt").write_text(chaos.report(verdict) + "\n")
    killed = {line.split("kill -9 ")[1] for line in verdict.faults}
    assert killed == {
        *chaos.INFRA,
        *(f"{s}-{k}" for s in chaos.SERVICES for k in ("api", "worker")),
    }
    assert verdict.during_load >= 3
    assert verdict.journeys == 500
    assert verdict.total > 500 * 20  # every store was checked, not just one
    assert (verdict.lost, verdict.duplicated) == (0, 0), chaos.report(verdict)
    assert verdict.unexpected_exits == {}
