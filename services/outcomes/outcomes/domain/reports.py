"""Indicators and the funnel broken down by programme, cohort, institute, region, track,
field or year (the year the cohort ends)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from outcomes.domain.definitions import DEFINITIONS, Context, Definition, Figure
from outcomes.domain.records import Cohort, Population, Trainee

GroupBy = Literal["all", "programme", "cohort", "institute", "region", "track", "field", "year"]
GROUPINGS: tuple[GroupBy, ...] = (
    "all", "programme", "cohort", "institute", "region", "track", "field", "year",
)  # fmt: skip
FUNNEL = ("enrolled", "stage_1", "stage_2", "stage_3", "stage_4", "internship", "employed")


def group_of(cohort: Cohort, by: GroupBy) -> str:
    return {
        "all": "all",
        "programme": cohort.programme_id,
        "cohort": cohort.cohort_id,
        "institute": cohort.institute_id,
        "region": cohort.region_code,
        "track": cohort.track,
        "field": cohort.field,
        "year": str(cohort.ends_on.year),
    }[by]


def groups(population: Population, by: GroupBy) -> dict[str, list[Trainee]]:
    """Enrolled trainees by group; those whose cohort is not known yet are left out."""
    found: dict[str, list[Trainee]] = defaultdict(list)
    for trainee in population.trainees.values():
        cohort = population.cohorts.get(trainee.cohort_id or "")
        if cohort is not None:
            found[group_of(cohort, by)].append(trainee)
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Cell:
    group: str
    definition: Definition
    figure: Figure


def indicators(
    population: Population,
    ctx: Context,
    by: GroupBy,
    definitions: Iterable[Definition] = DEFINITIONS,
) -> list[Cell]:
    chosen = list(definitions)
    return [
        Cell(group, d, d.compute(members, population.cohorts, ctx))
        for group, members in groups(population, by).items()
        for d in chosen
    ]


def _reached(t: Trainee, step: str) -> bool:
    if step == "enrolled":
        return t.enrolled_on is not None
    if step.startswith("stage_"):
        return t.stage_reached() >= int(step[-1])
    if step == "internship":
        return t.internship_on is not None
    return t.early_employment or any(j.is_work for j in t.jobs)


def funnel(population: Population, by: GroupBy) -> dict[str, dict[str, tuple[str, ...]]]:
    """Who reached each step, per group: enrolled, stages 1-4, internship, employed."""
    return {
        group: {step: tuple(t.trainee_id for t in members if _reached(t, step)) for step in FUNNEL}
        for group, members in groups(population, by).items()
    }
