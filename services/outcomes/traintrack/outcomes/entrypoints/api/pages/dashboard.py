"""The dashboard page: headline figures, the funnel, employment over time and by region
and institute. Public: it withholds the groups every public view withholds."""

from __future__ import annotations

from html import escape

from traintrack.outcomes.domain.definitions import BY_ID
from traintrack.outcomes.domain.figures import is_small
from traintrack.outcomes.domain.publication import Published
from traintrack.outcomes.domain.reports import FUNNEL, Cell, GroupBy, funnel
from traintrack.outcomes.domain.tables import funnel_rows
from traintrack.outcomes.entrypoints.api.pages.charts import Bar, bars, lines
from traintrack.outcomes.entrypoints.api.pages.labels import REGION_KO, Lang, t

SWITCH = {"en": "English", "ko": "한국어"}
HEADLINES = (
    "completion_rate", "employment_rate_6m", "employed_or_start_up_6m", "satisfaction_mean",
    "employment_q2",
)  # fmt: skip
STYLE = """
body { font-family: 'Noto Sans KR', 'Malgun Gothic', sans-serif; margin: 2rem; color: #111827; }
h1 { margin-bottom: 0.2rem; } .as-of { color: #6b7280; margin-top: 0; }
.kpis { display: flex; gap: 1rem; flex-wrap: wrap; }
.kpi { border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.8rem 1.2rem; min-width: 150px; }
.kpi .value { font-size: 1.8rem; font-weight: 700; } .kpi .label { color: #4b5563; }
section { margin-top: 2rem; } svg text { font-size: 13px; } .note { color: #6b7280; }
nav a { margin-right: 1rem; }
"""


def _withheld(small: bool, lang: Lang) -> str:
    """Withheld as a small cell, or as a complement protecting one."""
    return t("suppressed" if small else "protected", lang)


def _show(cell: Cell | None, shown: Published, lang: Lang) -> str:
    if cell is not None and shown.hidden(cell):
        return _withheld(cell.cohorts in shown.small, lang)
    if cell is None or cell.figure.value is None:
        return t("pending", lang) if cell and cell.figure.pending else t("no_data", lang)
    value, unit = cell.figure.value, cell.definition.unit
    if unit == "rate":
        return f"{value:.1%}"
    if unit in ("median_krw", "count"):
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _kpis(shown: Published, lang: Lang) -> str:
    cells = {c.definition.id: c for c in shown.cells("all", *(BY_ID[k] for k in HEADLINES))}
    out = []
    for key in HEADLINES:
        cell = cells.get(key)
        text = _show(cell, shown, lang)
        out.append(
            f'<div class="kpi" data-indicator="{key}"><div class="value">'
            f"{escape(text)}</div>"
            f'<div class="label">{escape(BY_ID[key].title[lang])}</div></div>'
        )
    return f'<div class="kpis">{"".join(out)}</div>'


def _funnel(shown: Published, lang: Lang) -> str:
    [row] = funnel_rows(shown, "all") or [{"steps": dict.fromkeys(FUNNEL, 0)}]
    counts = {s: len(who) for s, who in funnel(shown.population, "all").get("all", {}).items()}
    items = []
    for step in FUNNEL:
        n = row["steps"][step]
        small = is_small(counts.get(step, 0))
        text = _withheld(small, lang) if n is None else f"{n} {t('people', lang)}"
        items.append(Bar(t(step, lang), None if n is None else float(n), text))
    return bars(items, scale=max(counts.get("enrolled", 0), 1), name="funnel")


def _share(cell: Cell, shown: Published) -> float | None:
    return None if shown.hidden(cell) else cell.figure.value


def _over_time(shown: Published, lang: Lang) -> str:
    keys = {t("3m", lang): "employment_rate_3m", t("6m", lang): "employment_rate_6m"}
    cells = {
        (c.group, c.definition.id): c
        for c in shown.cells("cohort", *(BY_ID[k] for k in keys.values()))
    }
    cohorts = sorted(shown.population.cohorts.values(), key=lambda c: (c.ends_on, c.cohort_id))
    # Cohorts still in training have no employment figure yet: they would only crowd the axis.
    ended = [
        c
        for c in cohorts
        if (c.cohort_id, "employment_rate_6m") in cells and c.ends_on <= shown.ctx.as_of
    ]
    series = {
        label: [_share(cells[(c.cohort_id, key)], shown) for c in ended]
        for label, key in keys.items()
    }
    labels = [f"{c.ends_on:%y.%m} {c.cohort_id}"[:24] for c in ended]
    return lines(labels, series, name="over-time")


def _by(shown: Published, by: GroupBy, lang: Lang) -> str:
    items = []
    for cell in shown.cells(by, BY_ID["employment_rate_6m"]):
        figure = cell.figure
        if not (figure.denominator or figure.pending or figure.excluded):
            continue  # nobody there has finished a course yet
        label = (
            REGION_KO.get(cell.group, cell.group) if by == "region" and lang == "ko" else cell.group
        )
        items.append(Bar(label, _share(cell, shown), _show(cell, shown, lang)))
    return bars(items, scale=1.0, name=f"by-{by}")


def render(shown: Published, lang: Lang) -> str:
    ctx = shown.ctx
    other = "en" if lang == "ko" else "ko"
    sections = [
        ("funnel", _funnel(shown, lang)),
        ("over_time", _over_time(shown, lang)),
        ("by_region", _by(shown, "region", lang)),
        ("by_institute", _by(shown, "institute", lang)),
    ]
    body = "".join(
        f'<section id="{key}"><h2>{escape(t(key, lang))}</h2>{chart}</section>'
        for key, chart in sections
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(t('title', lang))}</title><style>{STYLE}</style></head><body>"
        f'<nav><a href="?lang={other}&as_of={ctx.as_of}">{SWITCH[other]}</a>'
        f'<a href="/v1/public/indicators.csv?as_of={ctx.as_of}&group_by=cohort">CSV</a></nav>'
        f"<h1>{escape(t('title', lang))}</h1>"
        f'<p class="as-of">{escape(t("as_of", lang))} {ctx.as_of.isoformat()}</p>'
        f"{_kpis(shown, lang)}{body}"
        f'<p class="note">{escape(t("note", lang))}</p></body></html>'
    )
