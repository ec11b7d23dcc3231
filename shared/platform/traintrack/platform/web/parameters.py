"""Every path and query parameter of every route, checked before the route's own types: an
app-wide dependency, so a route added tomorrow is covered without a thought.

- A path parameter is always an identifier (ids, topic names, partition and offset numbers):
  the Id grammar of `traintrack.contracts.fields`, at most 64 characters.
- A query parameter named `id` or `*_id` is an identifier too.
- Any other query value: no control character at all (a query carries no free text), at
  most 256 characters; one that reads as an ISO 8601 day (`YYYY-MM-DD`, a time after it or
  not) a day of 1900-2100, whatever the route declares it (Day and Moment say so too, in
  their own words; this is for the route that declares a plain `date`).
- Unknown query parameters are held to the same rules: a client that sends them is told,
  rather than having a NUL echoed into a log.
What the route declares (ints, enums, dates, narrower patterns) is checked after this, by
FastAPI, and answered the same way: 422 problem+json naming the parameter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from traintrack.contracts.fields import ID_MAX, ID_PATTERN, control_in, day_outside
from traintrack.platform.web.auth import note_caller

QUERY_MAX = 256
_ID = re.compile(ID_PATTERN)
_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


def _id_refusal(value: str) -> str | None:
    if not value:
        return "must not be empty"
    if len(value) > ID_MAX:
        return f"at most {ID_MAX} characters (an id is letters, digits, '.', '_' and '-')"
    if not _ID.match(value):
        return "an id is 1-64 letters, digits, '.', '_' and '-'"
    return None


def _value_refusal(value: str) -> str | None:
    if len(value) > QUERY_MAX:
        return f"at most {QUERY_MAX} characters"
    if (why := control_in(value)) is not None:
        return f"must not contain a {why}"
    return _day_refusal(value)


def _day_refusal(value: str) -> str | None:
    if (found := _DAY.match(value)) is None:
        return None
    try:
        day = date(*map(int, found.groups()))
    except ValueError:
        return None  # not a day at all: the route's own type says so
    return day_outside(day)


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def _printable(name: str) -> str:
    # A parameter name is echoed back as the field: its control characters escaped.
    return name.encode("unicode_escape", "backslashreplace").decode("ascii")[:QUERY_MAX]


def refusals(
    path: Iterable[tuple[str, str]], query: Iterable[tuple[str, str]]
) -> Iterator[dict[str, object]]:
    """Validation errors (FastAPI's shape) for the parameters that cannot be taken."""
    for name, value in path:
        if (why := _id_refusal(value)) is not None:
            yield {"type": "value_error", "loc": ("path", name), "msg": why, "input": value}
    for name, value in query:
        why = _value_refusal(value) or (_id_refusal(value) if _is_id(name) else None)
        if why is None and control_in(name) is not None:
            why = "a parameter name must not contain control characters"
        if why is not None:
            loc = ("query", _printable(name))
            yield {"type": "value_error", "loc": loc, "msg": why, "input": value}


async def checked_parameters(request: Request) -> None:
    """Refuse the request (422) when any of its parameters cannot be taken. This runs
    before the route's own role check (a malformed id is refused whoever asks: the grammar
    is public), so a valid key is noted first: an operator's refused change is audited."""
    path = [(k, str(v)) for k, v in request.path_params.items()]
    errors = list(refusals(path, request.query_params.multi_items()))
    if not errors:
        return
    # Read here rather than as a dependency, which would put every route, the public ones
    # too, under the API-key scheme in OpenAPI.
    note_caller(request.scope)
    raise RequestValidationError(errors)
