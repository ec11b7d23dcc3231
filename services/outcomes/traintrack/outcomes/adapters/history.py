"""Reading a programme's history for import: JSON lines or CSV, one record a line (a cohort,
an enrollment, its ending, a survey, an outcome report), each with the date the programme
originally learnt it (`reported_on`). Each record is checked against the contract of the
event it stands for; a bad one is reported by line and field and the rest go on."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError

from traintrack.contracts import enrollment as enr
from traintrack.contracts.base import EventData
from traintrack.contracts.outcomes import OutcomeReported

ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ID_FIELDS = ("trainee_id", "enrollment_id", "cohort_id", "programme_id", "institute_id",
             "report_id", "corrects")  # fmt: skip
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)  # as the catalogue allows cohorts
MAX_RECORDS = 200_000
NAMESPACE = uuid.UUID("6f1d2a52-4b4e-4c8e-9d36-7a0f3c1b5e21")


@dataclass(frozen=True)
class Kind:
    contract: type[EventData]
    happened: str  # the field holding the date it happened
    key: str  # what makes the record unique: importing it twice changes nothing
    learnt_after: bool  # it cannot have been reported before it happened


KINDS: dict[str, Kind] = {
    "cohort": Kind(enr.CohortOpened, "starts_on", "cohort_id", False),
    "enrollment": Kind(enr.TraineeEnrolled, "enrolled_on", "enrollment_id", False),
    "completion": Kind(enr.EnrollmentCompleted, "completed_on", "enrollment_id", True),
    "drop_out": Kind(enr.EnrollmentDropped, "dropped_on", "enrollment_id", True),
    "not_completed": Kind(enr.EnrollmentNotCompleted, "ended_on", "enrollment_id", True),
    "survey": Kind(enr.SurveySubmitted, "submitted_on", "enrollment_id", True),
    "outcome_report": Kind(OutcomeReported, "starts_on", "report_id", False),
}
# Filled in by the import for outcome reports: they come from the operator who imports.
SUPPLIED = {"reported_by", "reporter_id", "reported_at"}


@dataclass(frozen=True)
class Record:
    line: int
    kind: str
    data: EventData
    occurred_on: date
    reported_on: date

    @property
    def event_id(self) -> str:
        """The same record imported again gets the same id: it is kept once."""
        key = getattr(self.data, KINDS[self.kind].key)
        return str(uuid.uuid5(NAMESPACE, f"{self.data.type}:{key}"))

    @property
    def subject(self) -> str:
        subject = "cohort_id" if self.kind == "cohort" else "trainee_id"
        return str(getattr(self.data, subject))


@dataclass(frozen=True)
class BadRecord:
    line: int
    field: str
    message: str


def read(text: str, media_type: str) -> Iterator[tuple[int, dict[str, Any]] | BadRecord]:
    rows = _csv_rows(text) if media_type == "text/csv" else _json_lines(text)
    for n, row in enumerate(rows):
        if n >= MAX_RECORDS:
            yield BadRecord(0, "body", f"at most {MAX_RECORDS} records per import")
            return
        yield row


def _json_lines(text: str) -> Iterator[tuple[int, dict[str, Any]] | BadRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield BadRecord(number, "line", f"not JSON: {error.msg}")
            continue
        except (ValueError, RecursionError):  # a 5,000-digit number, nesting too deep
            yield BadRecord(number, "line", "not JSON this import reads")
            continue
        if not isinstance(value, dict):
            yield BadRecord(number, "line", "a record is a JSON object")
            continue
        yield number, value


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]] | BadRecord]:
    reader = csv.DictReader(text.splitlines())
    try:
        if not reader.fieldnames or not {"record", "reported_on"} <= set(reader.fieldnames):
            yield BadRecord(1, "header", "the header names at least record and reported_on")
            return
        for row in reader:
            number = reader.line_num
            if None in row:
                yield BadRecord(number, "line", "more cells than the header has columns")
                continue
            yield number, {k: v for k, v in row.items() if v not in (None, "")}
    except csv.Error as error:  # a NUL, a field past the size limit
        yield BadRecord(reader.line_num, "body", f"not CSV this import reads: {error}")


def parse(number: int, raw: dict[str, Any], today: date) -> Record | BadRecord:
    """One record, checked: its kind, its dates, its ids and its contract."""
    kind_name = raw.get("record")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        return BadRecord(number, "record", f"one of {', '.join(KINDS)}")
    fields = dict(raw)
    fields.pop("record")
    unknown = sorted(set(fields) - set(kind.contract.model_fields) - {"reported_on"} - SUPPLIED)
    if unknown:  # e.g. a name: personal details never enter the outcomes store
        return BadRecord(number, unknown[0], "not a field of this record")
    reported_on = _date(fields.pop("reported_on", None))
    if reported_on is None or not EARLIEST <= reported_on <= today:
        return BadRecord(number, "reported_on", f"a date from {EARLIEST} to today")
    for name, value in fields.items():
        if _has_control_characters(value):
            return BadRecord(number, name, "no control or invisible characters (NUL, ESC ...)")
    for name in ID_FIELDS:
        value = fields.get(name)
        if value is not None and not (isinstance(value, str) and ID.match(value)):
            return BadRecord(number, name, "1-64 letters, digits, '.', '_' or '-'")
    if kind.contract is OutcomeReported:
        fields |= {"reported_by": "operator", "reporter_id": "history-import",
                   "reported_at": f"{reported_on.isoformat()}T00:00:00Z"}  # fmt: skip
    try:
        data = kind.contract.model_validate(_lists_split(kind.contract, fields))
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "line"
        return BadRecord(number, field, first["msg"])
    for name, value in data:
        problem = _out_of_bounds(value)
        if problem:
            return BadRecord(number, name, problem)
    if isinstance(data, enr.CohortOpened) and data.ends_on < data.starts_on:
        return BadRecord(number, "ends_on", "not before starts_on")
    occurred_on = getattr(data, kind.happened)
    if kind.learnt_after and reported_on < occurred_on:
        return BadRecord(number, "reported_on", f"not before {kind.happened}")
    return Record(number, str(kind_name), data, occurred_on, reported_on)


# Control characters, and the invisible ones that reorder or break text on a report
# (U+202E, U+2028 ...).
HIDDEN = {"Cc", "Cf", "Zl", "Zp"}
MAX_TEXT, MAX_ITEMS, MAX_NUMBER = 200, 100, 1_000_000_000  # as the live APIs allow


def _has_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return any(unicodedata.category(ch) in HIDDEN for ch in value)
    if isinstance(value, list):
        return any(_has_control_characters(v) for v in value)
    return False


def _out_of_bounds(value: Any) -> str | None:
    """What the live APIs would refuse in a field's value, or None."""
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return f"at most {MAX_ITEMS} items"
        return next((p for p in map(_out_of_bounds, value) if p), None)
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"at most {MAX_TEXT} characters"
    if isinstance(value, int | float) and abs(value) > MAX_NUMBER:
        return f"at most {MAX_NUMBER:,}"
    if type(value) is date and not EARLIEST <= value <= LATEST:  # not the datetimes
        return f"a date from {EARLIEST} to {LATEST}"
    return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _lists_split(contract: type[BaseModel], fields: dict[str, Any]) -> dict[str, Any]:
    """CSV cells of list fields hold the items separated by ';'."""
    out = dict(fields)
    for name, info in contract.model_fields.items():
        value = out.get(name)
        if isinstance(value, str) and get_origin(info.annotation) is list:
            out[name] = [item for item in value.split(";") if item]
    return out
