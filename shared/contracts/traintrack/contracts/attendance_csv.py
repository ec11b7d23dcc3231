"""Attendance rows in CSV, as institutes export them: one parser for the CLI and the API.

Columns: trainee_id, enrollment_id, day (YYYY-MM-DD), status (present, late, absent,
excused), check_in and check_out (HH:MM, empty when absent or excused).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from traintrack.contracts.submissions import RecordAttendance

COLUMNS = ("trainee_id", "enrollment_id", "day", "status", "check_in", "check_out")


@dataclass(frozen=True)
class BadRow:
    row: int
    field: str | None
    message: str


def parse(lines: Iterable[str]) -> Iterator[tuple[int, RecordAttendance | BadRow]]:
    """(row number, command or problem) for each data row; row 1 is the first after the
    header. A header without the required columns yields one BadRow for row 0."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        yield 0, BadRow(0, missing[0], f"the header lacks column(s) {', '.join(missing)}")
        return
    for number, raw in enumerate(reader, start=1):
        values = {k: (v.strip() or None) for k, v in raw.items() if k in COLUMNS and v is not None}
        try:
            yield number, RecordAttendance.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            yield number, BadRow(number, field, first["msg"])
