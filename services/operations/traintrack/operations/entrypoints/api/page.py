"""The operator page: the pipeline's health at a glance (counts only, no message contents)."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body { font-family: sans-serif; margin: 2rem; color: #111827; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
td, th { border: 1px solid #e5e7eb; padding: 0.3rem 0.7rem; text-align: left; }
.bad { color: #b91c1c; font-weight: 600; } .ok { color: #15803d; }
"""


def _cell(value: Any, bad: bool = False) -> str:
    shown = "—" if value is None else (f"{value:,.1f}" if isinstance(value, float) else value)
    return f'<td class="{"bad" if bad else "ok"}">{escape(str(shown))}</td>'


def render_page(state: dict[str, Any]) -> str:
    consumers = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(c['group'])}</td>"
        f"{_cell(c['lag'], c['lag'] > 1000)}{_cell(c['events_per_second'])}"
        f"{_cell((c['last_error'] or {}).get('reason'), bool(c['last_error']))}</tr>"
        for name, c in sorted(state["consumers"].items())
    )
    dead = "".join(
        f"<tr><td>{escape(topic)}</td>{_cell(size, size > 0)}</tr>"
        for topic, size in sorted(state["dead_letters"].items())
    )
    outbox = "".join(
        f"<tr><td>{escape(service)}</td>{_cell(v['unsent'], (v['unsent'] or 0) > 100)}"
        f"{_cell(v['oldest_age_seconds'], (v['oldest_age_seconds'] or 0) > 60)}</tr>"
        for service, v in sorted(state["outbox"].items())
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>traintrack pipeline</title>"
        f"<meta http-equiv='refresh' content='10'><style>{STYLE}</style></head><body>"
        "<h1>traintrack pipeline</h1>"
        "<h2>Consumers</h2><table><tr><th>consumer</th><th>group</th><th>lag</th>"
        f"<th>events/s</th><th>last dead letter</th></tr>{consumers}</table>"
        f"<h2>Dead letters</h2><table><tr><th>topic</th><th>messages</th></tr>{dead}</table>"
        "<h2>Outboxes</h2><table><tr><th>service</th><th>unsent</th><th>oldest (s)</th></tr>"
        f"{outbox}</table><p>Per partition: <code>GET /v1/lag</code>; Prometheus: "
        "<code>/metrics/pipeline</code>; alerts: <code>infra/prometheus/alerts.yml</code>.</p>"
        "</body></html>"
    )
