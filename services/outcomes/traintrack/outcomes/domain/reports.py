"""Indicators and the funnel broken down by one dimension of the cohort (programme, cohort,
institute, region, track, field, year the cohort ends) or two (institute x year ...).

Every group is a set of cohorts, so a group's figure is made from its cohorts' figures,
and the disclosure control (`disclosure.py`) can reason about groups as sets of cohorts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, get_args

from traintrack.outcomes.domain.definitions import LATEST, Context, Definition
from traintrack.outcomes.domain.figures import Figure, merged
from traintrack.outcomes.domain.records import Cohort, Enrollment, Population

Dimension = Literal["programme", "cohort", "institute", "region", "track", "field", "year"]
GroupBy = Literal[
    "all", "programme", "cohort", "institute", "region", "track", "field", "year",
    "institute,year", "programme,year", "region,track",
]  # fmt: skip
GROUPINGS: tuple[GroupBy, ...] = get_args(GroupBy)
FUNNEL = ("enrolled", "stage_1", "stage_2", "stage_3", "stage_4", "internship", "employed")
Member = tuple[Enrollment, Cohort]


def dimension_value(cohort: Cohort, dimension: str) -> str:
    return {
        "programme": cohort.programme_id,
        "cohort": cohort.cohort_id,
        "institute": cohort.institute_id,
        "region": cohort.region_code,
        "track": cohort.track,
        "field": cohort.field,
        "year": str(cohort.ends_on.year),
    }[dimension]


def group_of(cohort: Cohort, by: GroupBy) -> str:
    """The group's name: `all`, one value, or two joined by `/` (e.g. `inst-1/2024`)."""
    if by == "all":
        return "all"
    return "/".join(dimension_value(cohort, d) for d in by.split(","))


def members_by_cohort(population: Population) -> dict[str, list[Member]]:
    found: dict[str, list[Member]] = defaultdict(list)
    for e, c in population.counted():
        found[c.cohort_id].append((e, c))
    return found


def cohort_sets(population: Population, by: GroupBy) -> dict[str, frozenset[str]]:
    """Each group's cohorts (those with at least one enrollment), by group name."""
    found: dict[str, set[str]] = defaultdict(set)
    for cohort_id in members_by_cohort(population):
        found[group_of(population.cohorts[cohort_id], by)].add(cohort_id)
    return {group: frozenset(ids) for group, ids in sorted(found.items())}


def groups(population: Population, by: GroupBy) -> dict[str, list[Member]]:
    """Enrollments by group; those whose cohort is not known yet are left out."""
    by_cohort = members_by_cohort(population)
    return {
        group: [m for cohort_id in sorted(ids) for m in by_cohort[cohort_id]]
        for group, ids in cohort_sets(population, by).items()
    }


@dataclass(frozen=True)
class Cell:
    group: str
    definition: Definition
    figure: Figure
    cohorts: frozenset[str] = frozenset()


CohortFigures = Mapping[str, Mapping[str, Figure]]  # definition key -> cohort id -> figure


def cohort_figures(
    population: Population, ctx: Context, definitions: Iterable[Definition]
) -> dict[str, dict[str, Figure]]:
    """Every definition's figure for every cohort: the bricks of every group's figure."""
    by_cohort = members_by_cohort(population)
    return {
        d.key: {cohort_id: d.compute(members, ctx) for cohort_id, members in by_cohort.items()}
        for d in definitions
    }


def indicators(
    population: Population,
    ctx: Context,
    by: GroupBy,
    definitions: Iterable[Definition] = LATEST,
    figures: CohortFigures | None = None,
) -> list[Cell]:
    chosen = list(definitions)
    bricks = figures if figures is not None else cohort_figures(population, ctx, chosen)
    return [
        Cell(group, d, merged(d.unit, (bricks[d.key][c] for c in sorted(ids))), ids)
        for group, ids in cohort_sets(population, by).items()
        for d in chosen
    ]


# --------------------------------------------------------------- the funnel


def _employed(e: Enrollment, c: Cohort) -> bool:
    """In work that started after the course began (an upskilling worker's old job is not
    an outcome of the course); early employment counts."""
    return e.early_employment or any(j.is_work and j.starts_on >= c.starts_on for j in e.jobs)


def reached(e: Enrollment, c: Cohort, step: str) -> bool:
    if step == "enrolled":
        return e.enrolled_on is not None
    if step.startswith("stage_"):
        return e.stage_reached() >= int(step[-1])
    if step == "internship":
        return any(day >= c.starts_on for day in e.person.internships)
    return _employed(e, c)


# Why a step may hold more people than the one before it.
WIDER_THAN_BEFORE = {
    "internship": "internship matching opens at stage 3: interns need not have passed stage 4",
    "employed": "work is counted whether or not it came through an internship",
}


def funnel(population: Population, by: GroupBy) -> dict[str, dict[str, tuple[str, ...]]]:
    """Who (enrollment ids) reached each step, per group: enrolled, stages 1-4,
    internship, employed."""
    return {
        group: {
            step: tuple(e.enrollment_id for e, c in members if reached(e, c, step))
            for step in FUNNEL
        }
        for group, members in groups(population, by).items()
    }


def wider_steps(counts: Mapping[str, int | None]) -> dict[str, str]:
    """The steps larger than the step before them, each with the reason it can be."""
    reasons = {}
    for before, step in pairwise(FUNNEL):
        n, previous = counts.get(step), counts.get(before)
        if n is not None and previous is not None and n > previous:
            reasons[step] = WIDER_THAN_BEFORE[step]
    return reasons
