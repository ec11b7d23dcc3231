"""The documented alert rules are valid Prometheus rule files over metrics the platform
really exposes (a renamed metric would silently disable an alert)."""

import re
from pathlib import Path

import yaml

from traintrack.operations.domain.pipeline import Lag
from traintrack.operations.entrypoints.api.metrics import prometheus
from traintrack.platform.web.app import HttpMetrics

ROOT = Path(__file__).resolve().parents[2]
RULES = yaml.safe_load((ROOT / "infra/prometheus/alerts.yml").read_text())
FUNCTIONS = {"sum", "rate", "increase", "histogram_quantile", "and"}


def exposed() -> set[str]:
    service = HttpMetrics()
    service.requests.labels("GET", "/x", "200").inc()
    service.latency.labels("GET", "/x").observe(0.1)
    service.table_bytes.labels("outbox").set(1)
    service.table_rows.labels("outbox").set(1)
    state = {
        "partitions": [Lag("c", "g", "t", 0, 1, 2)],
        "dead_letters": {"t.dlq": 1},
        "consumers": {},
        "outbox": {"s": {"unsent": 1, "oldest_age_seconds": 2}},
    }
    from prometheus_client import generate_latest

    text = generate_latest(service.registry).decode() + prometheus(state).decode()
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1].isalpha()}


def test_every_rule_is_complete_and_uses_exposed_metrics():
    metrics = exposed() | {"up"}
    rules = [r for group in RULES["groups"] for r in group["rules"]]
    assert len(rules) >= 6
    for rule in rules:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"] and rule["annotations"]["runbook"]
        expr = re.sub(r"by \([^)]*\)|\{[^}]*\}|\[[^\]]*\]", "", rule["expr"])
        names = set(re.findall(r"[a-z_][a-z0-9_]*", expr)) - FUNCTIONS
        assert names <= metrics, (rule["alert"], names - metrics)
