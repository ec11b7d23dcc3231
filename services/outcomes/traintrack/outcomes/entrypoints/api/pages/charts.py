"""Small SVG charts, drawn on the server (no script, so any browser, a screen reader or a
headless test sees the same page). Every bar and point carries its figure as text."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 760
COLOURS = ("#2563eb", "#16a34a")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share 0-1 or a count; None when withheld or not measured
    text: str  # what is written beside the bar


def bars(items: list[Bar], *, scale: float, name: str) -> str:
    """Horizontal bars, one row each; `scale` is the value of a full-width bar."""
    row, left, right = 30, 210, 120
    height = row * len(items) + 10
    out = [f'<svg class="chart" data-chart="{name}" width="{WIDTH}" height="{height}" role="img">']
    for n, item in enumerate(items):
        y = 5 + n * row
        length = 0.0 if not item.value or not scale else (WIDTH - left - right) * item.value / scale
        out.append(
            f'<g class="bar" data-label="{escape(item.label)}" data-value="{item.value}">'
            f'<text x="{left - 8}" y="{y + 19}" text-anchor="end">{escape(item.label)}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="20" fill="{COLOURS[0]}"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + 19}">{escape(item.text)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def lines(labels: list[str], series: dict[str, list[float | None]], *, name: str) -> str:
    """Shares 0-1 over the labels (oldest first), a polyline per series; gaps stay gaps."""
    left, top, plot_h, plot_w = 110, 20, 220, WIDTH - 150
    step = plot_w / max(len(labels) - 1, 1)
    out = [f'<svg class="chart" data-chart="{name}" width="{WIDTH}" height="400" role="img">']
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y}" y2="{y}" stroke="#e5e7eb"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{pct}%</text>'
        )
    for n, label in enumerate(labels):
        x = left + n * step
        y = top + plot_h + 14
        out.append(
            f'<text x="{x:.1f}" y="{y}" text-anchor="end" font-size="11" '
            f'transform="rotate(-30 {x:.1f} {y})">{escape(label)}</text>'
        )
    for colour, (series_name, values) in zip(COLOURS, series.items(), strict=False):
        points = [
            (left + n * step, top + plot_h * (1 - v)) for n, v in enumerate(values) if v is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(
            f'<g class="series" data-series="{escape(series_name)}">'
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for (x, y), v in zip(points, [v for v in values if v is not None], strict=True):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{series_name}: {v:.0%}</title></circle>"
            )
        out.append("</g>")
    legend = " ".join(
        f'<tspan fill="{c}">■ {escape(s)}</tspan>' for c, s in zip(COLOURS, series, strict=False)
    )
    out.append(f'<text x="{left}" y="{top + plot_h + 130}">{legend}</text></svg>')
    return "".join(out)
