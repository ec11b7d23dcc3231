"""What a public view withholds: groups of fewer than 5 people, and the complements that
stop them being recovered by adding or subtracting published cells. Operators see all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from traintrack.outcomes.domain.definitions import DEFINITIONS, Context, Definition
from traintrack.outcomes.domain.disclosure import Cell as CohortSet
from traintrack.outcomes.domain.disclosure import protect
from traintrack.outcomes.domain.figures import is_small
from traintrack.outcomes.domain.records import Population
from traintrack.outcomes.domain.reports import (
    FUNNEL,
    GROUPINGS,
    Cell,
    CohortFigures,
    GroupBy,
    cohort_figures,
    cohort_sets,
    funnel,
    indicators,
)


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


def publish(known: Population, ctx: Context, definitions: Sequence[Definition]) -> Published:
    """For operators: the figures asked for, in full."""
    return Published(known, ctx, cohort_figures(known, ctx, definitions))


def publish_public(known: Population, ctx: Context) -> Published:
    """For everyone: the pattern weighs every figure, whichever are asked for."""
    figures = cohort_figures(known, ctx, DEFINITIONS)
    shown = Published(known, ctx, figures, public=True)
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
