"""What an id, a name, a free text and a day may be, wherever one arrives: in a submission
on Kafka, a request body, a path or a query.

- Id: 1-64 characters of `A-Z a-z 0-9 . _ -`. Every id the platform mints fits (`tr-` and
  `en-` + 20 hex, `offer-`/`intern-`/`wh-` + 12 hex, UUIDs), so do the ids callers choose
  (institutes, programmes, cohorts, firms, openings: a Slug is a lower-case Id) and Kafka
  topic names. Nothing else is an id: no space, no control character, no `/` or `%`.
- Name: one line of text (a person's, a firm's, a title, a skill): no control character at
  all (C0, DEL, C1), no line or paragraph separator.
- Text: free text (a reason, a note): tab, line feed and carriage return, no other control
  character.
- Day: 1900-01-01 to 2100-12-31 inclusive (the oldest birth year a trainee may have, the
  catalogue's last day); a Moment's date is held to the same days.

The patterns are ECMA-262 and Rust-regex alike, so OpenAPI and JSON Schema say what the
validation does. Nothing here can hold a NUL, which PostgreSQL text cannot store.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

ID_MAX = 64
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")  # a day, or the day a moment begins with
ID_PATTERN = r"^[A-Za-z0-9._-]+$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]+$"
# C0 (U+0000-U+001F), DEL and C1 (U+007F-U+009F), U+2028 and U+2029.
NAME_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
# The same, less tab (U+0009), line feed (U+000A) and carriage return (U+000D).
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
TEXT_CONTROLS = "\t\n\r"


def control_in(value: str, *, allowed: str = "") -> str | None:
    """The first control character (or lone surrogate) of `value` outside `allowed`,
    described for a message; None when there is none."""
    for index, char in enumerate(value):
        code = ord(char)
        if char in allowed:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029):
            return f"control character U+{code:04X} at position {index}"
        if 0xD800 <= code <= 0xDFFF:
            return f"lone surrogate U+{code:04X} at position {index}"
    return None


def day_outside(value: date) -> str | None:
    """Why `value` (a date or a datetime's date) is out of range; None when it is in."""
    day = value.date() if isinstance(value, datetime) else value
    if EARLIEST <= day <= LATEST:
        return None
    return f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def _bounded(value: date) -> date:
    if (why := day_outside(value)) is not None:
        raise ValueError(why)
    return value


def _bounded_moment(value: datetime) -> datetime:
    if (why := day_outside(value)) is not None:
        raise ValueError(why)
    return value


def _iso_text(value: object) -> object:
    """A day or a moment is written as ISO 8601 text (or given as one, in Python): pydantic
    would read a number as seconds since 1970, which no caller means (`?as_of=0`)."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number or (isinstance(value, str) and not ISO_DAY.match(value)):
        raise ValueError("must be ISO 8601 text starting YYYY-MM-DD, not a number of seconds")
    return value


def _single_line(value: str) -> str:
    if (why := control_in(value)) is not None:
        raise ValueError(f"must not contain a {why}")
    return value


def _text(value: str) -> str:
    if (why := control_in(value, allowed=TEXT_CONTROLS + "\u2028\u2029")) is not None:
        raise ValueError(f"must not contain a {why}")
    return value


Id = Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
Slug = Annotated[str, StringConstraints(min_length=2, max_length=ID_MAX, pattern=SLUG_PATTERN)]
# Checked by a function for a message that names the character; the pattern tells OpenAPI.
Name = Annotated[
    str, AfterValidator(_single_line), Field(json_schema_extra={"pattern": NAME_PATTERN})
]
Text = Annotated[str, AfterValidator(_text), Field(json_schema_extra={"pattern": TEXT_PATTERN})]
# Validation only: JSON Schema has no range for `format: date` (a pattern on the year
# makes schemathesis filter out nearly every day it draws), and the published event
# schemas stay as they were.
Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_bounded)]
Moment = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_bounded_moment)]
