"""The dashboard page: headline figures, the funnel, employment over time and by region
and institute. Public: small cells are withheld, as in every public view."""

from __future__ import annotations

from html import escape

from outcomes.dashboard.charts import Bar, bars, lines
from outcomes.dashboard.labels import REGION_KO, Lang, t
from outcomes.domain.definitions import BY_ID, SMALL_CELL, Context, Figure
from outcomes.domain.records import Population
from outcomes.domain.reports import FUNNEL, funnel, groups, indicators

SWITCH = {"en": "English", "ko": "한국어"}
HEADLINES = ("completion_rate", "employment_rate_6m", "satisfaction_mean", "employment_q2")
STYLE = """
body { font-family: 'Noto Sans KR', 'Malgun Gothic', sans-serif; margin: 2rem; color: #111827; }
h1 { margin-bottom: 0.2rem; } .as-of { color: #6b7280; margin-top: 0; }
.kpis { display: flex; gap: 1rem; flex-wrap: wrap; }
.kpi { border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.8rem 1.2rem; min-width: 150px; }
.kpi .value { font-size: 1.8rem; font-weight: 700; } .kpi .label { color: #4b5563; }
section { margin-top: 2rem; } svg text { font-size: 13px; } .note { color: #6b7280; }
nav a { margin-right: 1rem; }
"""


def _show(figure: Figure, unit: str, lang: Lang) -> str:
    if figure.suppressed:
        return t("suppressed", lang)
    if figure.value is None:
        return t("pending", lang) if figure.pending else t("no_data", lang)
    if unit == "rate":
        return f"{figure.value:.1%}"
    if unit == "median_krw":
        return f"{figure.value:,.0f}"
    return f"{figure.value:.1f}"


def _share(figure: Figure) -> float | None:
    public = figure.public()
    return public.value


def _kpis(population: Population, ctx: Context, lang: Lang) -> str:
    cells = {c.definition.id: c for c in indicators(population, ctx, "all")}
    out = []
    for key in HEADLINES:
        cell = cells.get(key)
        figure = cell.figure if cell else Figure(None, (), ())
        definition = BY_ID[key]
        out.append(
            f'<div class="kpi" data-indicator="{key}"><div class="value">'
            f"{escape(_show(figure, definition.unit, lang))}</div>"
            f'<div class="label">{escape(definition.title[lang])}</div></div>'
        )
    return f'<div class="kpis">{"".join(out)}</div>'


def _funnel(population: Population, lang: Lang) -> str:
    steps = funnel(population, "all").get("all", {s: () for s in FUNNEL})
    counts = {s: len(steps[s]) for s in FUNNEL}
    items = []
    for step in FUNNEL:
        n = counts[step]
        hidden = 0 < n < SMALL_CELL
        text = t("suppressed", lang) if hidden else f"{n} {t('people', lang)}"
        items.append(Bar(t(step, lang), None if hidden else float(n), text))
    return bars(items, scale=max(counts["enrolled"], 1), name="funnel")


def _over_time(population: Population, ctx: Context, lang: Lang) -> str:
    cohorts = sorted(population.cohorts.values(), key=lambda c: (c.ends_on, c.cohort_id))
    members = groups(population, "cohort")
    # Cohorts still in training have no employment figure yet: they would only crowd the axis.
    shown = [c for c in cohorts if c.cohort_id in members and c.ends_on <= ctx.as_of]
    series: dict[str, list[float | None]] = {t("3m", lang): [], t("6m", lang): []}
    for cohort in shown:
        for label, key in (
            (t("3m", lang), "employment_rate_3m"),
            (t("6m", lang), "employment_rate_6m"),
        ):
            figure = BY_ID[key].compute(members[cohort.cohort_id], population.cohorts, ctx)
            series[label].append(_share(figure))
    labels = [f"{c.ends_on:%y.%m} {c.cohort_id}"[:24] for c in shown]
    return lines(labels, series, name="over-time")


def _by(population: Population, ctx: Context, by: str, lang: Lang) -> str:
    definition = BY_ID["employment_rate_6m"]
    items = []
    for group, members in groups(population, by).items():  # type: ignore[arg-type]
        figure = definition.compute(members, population.cohorts, ctx)
        if not (figure.denominator or figure.pending or figure.excluded):
            continue  # nobody there has finished a course yet
        label = REGION_KO.get(group, group) if by == "region" and lang == "ko" else group
        items.append(Bar(label, _share(figure), _show(figure, "rate", lang)))
    return bars(items, scale=1.0, name=f"by-{by}")


def render(population: Population, ctx: Context, lang: Lang) -> str:
    other = "en" if lang == "ko" else "ko"
    sections = [
        ("funnel", _funnel(population, lang)),
        ("over_time", _over_time(population, ctx, lang)),
        ("by_region", _by(population, ctx, "region", lang)),
        ("by_institute", _by(population, ctx, "institute", lang)),
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
        f"{_kpis(population, ctx, lang)}{body}"
        f'<p class="note">{escape(t("note", lang))}</p></body></html>'
    )
