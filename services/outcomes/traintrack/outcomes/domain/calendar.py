"""Months and quarters after a date, as the indicators count them."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """`months` later, on the same day or the month's last (date.max past the calendar)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_after(day: date, n: int) -> tuple[date, date]:
    """The calendar quarter `n` quarters after the one holding `day`: (first, last day)."""
    index = (day.year * 4 + (day.month - 1) // 3) + n
    year, q = divmod(index, 4)
    if year > date.max.year:
        return date.max, date.max
    first = date(year, 3 * q + 1, 1)
    return first, add_months(first, 3) - timedelta(days=1)
