"""Indicators, lineage and the funnel as known at the end of a date, from the store; in full
for operators, under disclosure control for the public."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any

import asyncpg

from traintrack.outcomes import store
from traintrack.outcomes.domain.definitions import BY_KEY, DEFINITIONS, LATEST, Context, Definition
from traintrack.outcomes.domain.disclosure import Cell as CohortSet
from traintrack.outcomes.domain.disclosure import protect
from traintrack.outcomes.domain.figures import is_small
from traintrack.outcomes.domain.records import Population, known_on
from traintrack.outcomes.domain.reports import (
    FUNNEL,
    GROUPINGS,
    Cell,
    CohortFigures,
    GroupBy,
    cohort_figures,
    cohort_sets,
    funnel,
    groups,
    indicators,
    wider_steps,
)
from traintrack.platform.errors import NotFound, Rejected

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
    indicator: str | None = None
    version: int | None = None

    @property
    def context(self) -> Context:
        return Context(self.as_of, self.year or self.as_of.year - 1)

    @property
    def cutoff(self) -> datetime:
        """Known on D means known by the end of D."""
        return datetime.combine(self.as_of, time.max, tzinfo=UTC)

    def published(self) -> Query:
        return replace(self, public=True)


async def population(pool: asyncpg.Pool, q: Query) -> Population:
    return known_on(await store.facts_known(pool, q.cutoff), q.cutoff)


def chosen(q: Query) -> list[Definition]:
    """The latest version of each indicator, or the one version asked for."""
    if q.version is not None:
        if q.indicator is None:
            raise Rejected("a version is asked for together with an indicator", field="version")
        definition = BY_KEY.get(f"{q.indicator}.v{q.version}")
        if definition is None:
            raise NotFound(f"indicator {q.indicator} version {q.version}")
        return [definition]
    picked = [d for d in LATEST if q.family in (None, d.family)]
    if q.indicator is not None:
        picked = [d for d in picked if d.id == q.indicator]
        if not picked:
            raise NotFound(f"indicator {q.indicator}")
    return picked


def _every_public_cell(population: Population) -> set[CohortSet]:
    return {ids for by in GROUPINGS for ids in cohort_sets(population, by).values()}


def _sums(cells: set[CohortSet], per_cohort: dict[str, int]) -> dict[CohortSet, int]:
    return {cell: sum(per_cohort.get(c, 0) for c in cell) for cell in cells}


@dataclass(frozen=True)
class Published:
    """Figures as known on a date: every cohort's figure of every definition, and for a
    public view what to withhold. `base`: groups of 1-4 enrollments and the complements
    that stop them being recovered from the rest, withheld in every figure (head counts
    are in every figure). Then per figure: groups where its population has 1-4 people, its
    complements, and the base (`withheld`, by definition key); per funnel step likewise."""

    population: Population
    ctx: Context
    figures: CohortFigures
    public: bool = False
    base: set[CohortSet] = field(default_factory=set)
    small: set[CohortSet] = field(default_factory=set)  # small in some figure: not complements
    withheld: dict[str, set[CohortSet]] = field(default_factory=dict)

    def cells(self, by: GroupBy, *definitions: Definition) -> list[Cell]:
        return indicators(self.population, self.ctx, by, definitions, self.figures)

    def hidden(self, cell: Cell) -> bool:
        return cell.cohorts in self.withheld.get(cell.definition.key, ())

    def funnel_withheld(self) -> dict[str, set[CohortSet]]:
        by_cohort = funnel(self.population, "cohort")
        cells = _every_public_cell(self.population)
        weight = _sums(cells, _enrolled(self.population))
        return {
            step: _protected(
                cells,
                _sums(cells, {c: len(s[step]) for c, s in by_cohort.items()}),
                self.base,
                weight,
            )
            for step in FUNNEL
        }


def _protected(
    cells: set[CohortSet],
    people: dict[CohortSet, int],
    base: set[CohortSet],
    weight: dict[CohortSet, int],
) -> set[CohortSet]:
    """The cells to withhold for one published count of people: the base, the cells of 1-4
    people, and the complements, over every public grouping."""
    sensitive = base | {cell for cell, n in people.items() if is_small(n)}
    if sensitive == base:
        return base  # the base is protected already
    return protect(cells, sensitive, weight)


def _enrolled(population: Population) -> dict[str, int]:
    found: dict[str, int] = {}
    for _, cohort in population.counted():
        found[cohort.cohort_id] = found.get(cohort.cohort_id, 0) + 1
    return found


def publish(known: Population, q: Query) -> Published:
    # A public view's pattern weighs every figure; an operator's needs only those asked for.
    figures = cohort_figures(known, q.context, DEFINITIONS if q.public else chosen(q))
    shown = Published(known, q.context, figures, q.public)
    if not q.public:
        return shown
    cells = _every_public_cell(known)
    weight = _sums(cells, _enrolled(known))
    base = _protected(cells, weight, set(), weight)
    withheld: dict[str, set[CohortSet]] = {}
    by_population: dict[tuple[tuple[str, int], ...], set[CohortSet]] = {}
    small_cells: set[CohortSet] = set()
    for key, by_cohort in figures.items():
        per_cohort = {c: len(f.denominator) for c, f in by_cohort.items()}
        # figures over the same people share one pattern, so they cannot be played
        # against each other
        signature = tuple(sorted(per_cohort.items()))
        if signature not in by_population:
            people = _sums(cells, per_cohort)
            small_cells |= {cell for cell, n in people.items() if is_small(n)}
            by_population[signature] = _protected(cells, people, base, weight)
        withheld[key] = by_population[signature]
    return replace(shown, base=base, small=small_cells, withheld=withheld)


async def published(pool: asyncpg.Pool, q: Query) -> Published:
    return publish(await population(pool, q), q)


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


async def indicator_table(pool: asyncpg.Pool, q: Query) -> list[dict[str, Any]]:
    shown = await published(pool, q)
    return [cell_view(c, q, shown.hidden(c)) for c in shown.cells(q.group_by, *chosen(q))]


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def lineage(pool: asyncpg.Pool, q: Query, indicator: str, group: str) -> dict[str, Any]:
    """The enrollments (pseudonymous) and events behind one figure."""
    if indicator not in {d.id for d in DEFINITIONS}:
        raise NotFound(f"indicator {indicator}")
    (definition,) = chosen(replace(q, indicator=indicator, family=None))
    known = await population(pool, q)
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


async def funnel_table(pool: asyncpg.Pool, q: Query) -> list[dict[str, Any]]:
    return funnel_rows(await published(pool, q), q.group_by)
