"""A figure and the people (enrollments) behind it, and how figures of cohorts add up to
figures of larger groups."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

SMALL_CELL = 5  # public views suppress figures about fewer people


def is_small(people: int) -> bool:
    """A cell about 1 to 4 people (a cell of nobody tells nothing about anyone)."""
    return 0 < people < SMALL_CELL


Unit = Literal["rate", "mean", "course_mean", "median_krw", "count"]


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: tuple[str, ...]  # enrollment ids (cohort ids for the course count)
    denominator: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    # (cohort id, value) of each measured enrollment, for means and medians of groups
    values: tuple[tuple[str, float], ...] = field(default=(), compare=False, repr=False)

    @property
    def suppressed(self) -> bool:
        """About 1 to 4 people: withheld in public views (primary suppression)."""
        return is_small(len(self.denominator))


def value_of(
    unit: Unit, numerator: list[str], denominator: list[str], values: list[tuple[str, float]]
) -> float | None:
    if unit == "count":
        return float(len(numerator))
    if not denominator:
        return None
    if unit == "mean":
        return round(statistics.fmean(v for _, v in values), 2) if values else None
    if unit == "course_mean":
        by_course: dict[str, list[float]] = defaultdict(list)
        for cohort, v in values:
            by_course[cohort].append(v)
        means = [statistics.fmean(vs) for vs in by_course.values()]
        return round(statistics.fmean(means), 2) if means else None
    if unit == "median_krw":
        return float(statistics.median(v for _, v in values)) if values else None
    return round(len(numerator) / len(denominator), 4)


def merged(unit: Unit, figures: Iterable[Figure]) -> Figure:
    """The figure of a group from the figures of its cohorts (every group is a set of
    cohorts, so its people are theirs)."""
    num: list[str] = []
    den: list[str] = []
    excluded: list[str] = []
    pending: list[str] = []
    values: list[tuple[str, float]] = []
    for f in figures:
        num += f.numerator
        den += f.denominator
        excluded += f.excluded
        pending += f.pending
        values += f.values
    return Figure(
        value_of(unit, num, den, values),
        tuple(num),
        tuple(den),
        tuple(excluded),
        tuple(pending),
        tuple(values),
    )
