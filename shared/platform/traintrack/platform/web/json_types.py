"""A JSON value in a request body is taken as the JSON type its field declares, no other.

Pydantic's lax mode reads `false` as 0.0, `0` as false, `"7"` as 7 and `0` as 1970-01-01:
a client's mistake would be stored as something it never said (schemathesis found consent
given as `0`, a share given as `false`, a date given as `0`). Dates come as JSON strings.
"""

from __future__ import annotations

from datetime import date, datetime
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

SCALARS = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    date: "a date",
    datetime: "a date",
}


def mistyped(value: Any, annotation: Any) -> str | None:
    """Why `value` (as parsed from JSON) is not of the JSON type `annotation` stands for;
    None when it is, or when the field is not a plain scalar (lists, models, text, enums)."""
    kinds = _kinds(annotation) - {NoneType}
    if value is None or not kinds or not kinds <= SCALARS.keys():
        return None
    if isinstance(value, bool):
        fits = bool in kinds
    elif isinstance(value, int | float):
        fits = bool(kinds & {int, float})
    elif isinstance(value, str):
        fits = bool(kinds & {date, datetime})
    else:
        return None
    return None if fits else f"must be {' or '.join(sorted({SCALARS[k] for k in kinds}))}"


def _kinds(annotation: Any) -> set[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return set().union(*(_kinds(a) for a in get_args(annotation)))
    return {annotation}
