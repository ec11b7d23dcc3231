"""Korean public holidays, as the national training portal leaves them out of training days.

They come from the maintained `holidays` package (per year, substitute holidays and
one-off holidays such as election days included), not from a list of our own: the
government adds and moves them, and the package follows.
"""

from __future__ import annotations

import functools
from datetime import date

import holidays


@functools.lru_cache(maxsize=256)
def _korean(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("KR", years=year).items())


def public_holiday(day: date) -> str | None:
    """The holiday's name, or None on an ordinary day."""
    return _korean(day.year).get(day)


@functools.lru_cache(maxsize=4096)
def weekday_holidays(first: date, last: date) -> tuple[date, ...]:
    """Public holidays falling on a weekday from `first` to `last` (the days they cost)."""
    found = (
        day
        for year in range(first.year, last.year + 1)
        for day in _korean(year)
        if first <= day <= last and day.weekday() < 5
    )
    return tuple(sorted(found))
