"""Figures as the API answers them: indicator cells, CSV, the lineage of one figure and
the funnel, each row shaped for its response."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

from traintrack.outcomes.domain.publication import Published
from traintrack.outcomes.domain.query import Query, chosen
from traintrack.outcomes.domain.records import Population
from traintrack.outcomes.domain.reports import (
    FUNNEL,
    Cell,
    GroupBy,
    cohort_sets,
    funnel,
    groups,
    wider_steps,
)
from traintrack.platform.errors import NotFound

CSV_COLUMNS = [
    "as_of", "group_by", "group", "indicator", "version", "family", "unit", "value",
    "numerator", "denominator", "excluded", "pending", "suppressed",
]  # fmt: skip


def cell_view(cell: Cell, q: Query, withheld: bool = False) -> dict[str, Any]:
    d, figure = cell.definition, cell.figure
    counts = (figure.numerator, figure.denominator, figure.excluded, figure.pending)
    num, den, excluded, pending = (None,) * 4 if withheld else tuple(len(c) for c in counts)
    if q.public:
        # Who left a figure, and who is not measured yet, are counts over people that
        # figures of other windows share: published, they would tell a withheld cell's.
        excluded = pending = None
    return {
        "as_of": q.as_of.isoformat(),
        "group_by": q.group_by,
        "group": cell.group,
        "indicator": d.id,
        "version": d.version,
        "family": d.family,
        "unit": d.unit,
        "value": None if withheld else figure.value,
        "numerator": num,
        "denominator": den,
        "excluded": excluded,
        "pending": pending,
        "suppressed": withheld,
    }


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def lineage(known: Population, q: Query, indicator: str, group: str) -> dict[str, Any]:
    """The enrollments (pseudonymous) and events behind one figure."""
    (definition,) = chosen(replace(q, indicator=indicator, family=None))
    members = groups(known, q.group_by).get(group)
    if members is None:
        raise NotFound(f"group {group} of {q.group_by}")
    figure = definition.compute(members, q.context)
    involved = {*figure.numerator, *figure.denominator, *figure.excluded, *figure.pending}
    if definition.id == "courses":
        involved = {*figure.denominator}
    return {
        **cell_view(Cell(group, definition, figure), q),
        "trainees": [
            {
                "trainee_id": e.trainee_id,
                "enrollment_id": e.enrollment_id,
                "cohort_id": e.cohort_id,
                "in_numerator": e.enrollment_id in figure.numerator,
                "in_denominator": e.enrollment_id in figure.denominator,
                "excluded": e.excluded,
                "pending": e.enrollment_id in figure.pending,
                "erased": e.person.erased,
                "events": e.events,
                "imported": [
                    {"event_id": event_id, "import_id": import_id, "imported_by": by}
                    for event_id in e.events
                    if event_id in known.imported
                    for import_id, by in [known.imported[event_id]]
                ],
            }
            for e, _ in members
            if e.enrollment_id in involved
        ],
    }


def funnel_rows(shown: Published, by: GroupBy) -> list[dict[str, Any]]:
    withheld = shown.funnel_withheld() if shown.public else {}
    sets = cohort_sets(shown.population, by)
    rows = []
    for group, steps in funnel(shown.population, by).items():
        counts: dict[str, int | None] = {
            s: None if sets[group] in withheld.get(s, ()) else len(steps[s]) for s in FUNNEL
        }
        suppressed = None in counts.values()
        rows.append(
            {
                "group": group,
                "steps": counts,
                "suppressed": suppressed,
                "notes": wider_steps(counts),
            }
        )
    return rows
