"""Indicators, lineage and the funnel as known at the end of a date, from the store."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import asyncpg

from outcomes import store
from outcomes.domain.definitions import BY_ID, DEFINITIONS, SMALL_CELL, Context, Definition
from outcomes.domain.records import Population, known_on
from outcomes.domain.reports import FUNNEL, Cell, GroupBy, funnel, groups, indicators
from traintrack_shared.errors import NotFound

CSV_COLUMNS = [
    "as_of", "group_by", "group", "indicator", "version", "family", "unit", "value",
    "numerator", "denominator", "excluded", "pending", "suppressed",
]  # fmt: skip


@dataclass(frozen=True)
class Query:
    as_of: date
    group_by: GroupBy = "all"
    year: int | None = None
    family: str | None = None
    public: bool = False

    @property
    def context(self) -> Context:
        return Context(self.as_of, self.year or self.as_of.year - 1)

    @property
    def cutoff(self) -> datetime:
        """Known on D means known by the end of D."""
        return datetime.combine(self.as_of, time.max, tzinfo=UTC)


async def population(pool: asyncpg.Pool, q: Query) -> Population:
    return known_on(await store.facts_known(pool, q.cutoff), q.cutoff)


def _chosen(q: Query) -> list[Definition]:
    return [d for d in DEFINITIONS if q.family in (None, d.family)]


def cell_view(cell: Cell, q: Query) -> dict[str, Any]:
    figure = cell.figure.public() if q.public else cell.figure
    d = cell.definition
    return {
        "as_of": q.as_of.isoformat(),
        "group_by": q.group_by,
        "group": cell.group,
        "indicator": d.id,
        "version": d.version,
        "family": d.family,
        "unit": d.unit,
        "value": figure.value,
        "numerator": len(figure.numerator),
        "denominator": len(figure.denominator),
        "excluded": len(figure.excluded),
        "pending": len(figure.pending),
        "suppressed": q.public and cell.figure.suppressed,
    }


async def indicator_table(pool: asyncpg.Pool, q: Query) -> list[dict[str, Any]]:
    cells = indicators(await population(pool, q), q.context, q.group_by, _chosen(q))
    return [cell_view(c, q) for c in cells]


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def lineage(pool: asyncpg.Pool, q: Query, indicator: str, group: str) -> dict[str, Any]:
    """The trainees (pseudonymous) and events behind one figure."""
    definition = BY_ID.get(indicator)
    if definition is None:
        raise NotFound(f"indicator {indicator}")
    known = await population(pool, q)
    members = groups(known, q.group_by).get(group)
    if members is None:
        raise NotFound(f"group {group} of {q.group_by}")
    figure = definition.compute(members, known.cohorts, q.context)
    involved = {*figure.numerator, *figure.denominator, *figure.excluded, *figure.pending}
    return {
        **cell_view(Cell(group, definition, figure), q),
        "trainees": [
            {
                "trainee_id": t.trainee_id,
                "in_numerator": t.trainee_id in figure.numerator,
                "in_denominator": t.trainee_id in figure.denominator,
                "excluded": t.excluded,
                "pending": t.trainee_id in figure.pending,
                "erased": t.erased,
                "events": t.sources,
            }
            for t in members
            if t.trainee_id in involved
        ],
    }


async def funnel_table(pool: asyncpg.Pool, q: Query) -> list[dict[str, Any]]:
    found = funnel(await population(pool, q), q.group_by)
    rows = []
    for group, steps in found.items():
        counts: dict[str, int | None] = {step: len(steps[step]) for step in FUNNEL}
        small = [s for s, n in counts.items() if n and n < SMALL_CELL]
        if q.public:  # a step of fewer than five people is a small cell
            counts = {s: (None if s in small else n) for s, n in counts.items()}
        rows.append({"group": group, "steps": counts, "suppressed": q.public and bool(small)})
    return rows
