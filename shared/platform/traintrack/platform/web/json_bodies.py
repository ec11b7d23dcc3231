"""JSON request bodies read strictly, before any route: what Python's json module takes and
RFC 8259 / I-JSON (RFC 7493) do not, refused with 422 problem+json naming the member.

- The body is UTF-8 (json.loads would guess UTF-16 or UTF-32 from bytes).
- Syntax errors name the field `body`, with the parser's message and its line, column and
  character in the message (FastAPI names the character offset as the field).
- No NaN, Infinity or -Infinity, and no number that overflows a double (1e400 reads as inf).
- Integers within PostgreSQL's bigint, -2**63 .. 2**63-1 (a 5,000-digit integer is refused
  by Python before any model sees it, as a 400 with no field).
- No member name twice in one object (the last would silently win).
- No NUL and no lone surrogate in any string or member name: PostgreSQL stores neither.
- At most 32 levels of nesting (ours need 5; deeper only feeds recursion).
Only bodies declared JSON (`application/json`, `application/*+json`) are read here; CSV
and NDJSON imports check their own lines."""

from __future__ import annotations

import json
import math
from typing import Any

from traintrack.platform.web import problems
from traintrack.platform.web.auth import note_caller
from traintrack.platform.web.bodies import read_whole

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_DEPTH = 32


class _Refused:
    """A value the parser met and cannot take; found with its path after parsing."""

    def __init__(self, why: str) -> None:
        self.why = why


class _Members(list[tuple[str, Any]]):
    """An object's members in order, duplicates kept, so the walk can see them."""


def _int(text: str) -> Any:
    digits = text.lstrip("-")
    if len(digits) > 19 or not INT_MIN <= int(text) <= INT_MAX:
        return _Refused(f"an integer of {len(digits)} digits beyond -2**63 .. 2**63-1")
    return int(text)


def _float(text: str) -> Any:
    value = float(text)
    return value if math.isfinite(value) else _Refused(f"{text[:20]} overflows a double")


def _constant(name: str) -> Any:
    return _Refused(f"{name} is not a JSON number")


def _string_refusal(value: str) -> str | None:
    for index, char in enumerate(value):
        if char == "\x00":
            return f"must not contain NUL (at position {index})"
        if 0xD800 <= ord(char) <= 0xDFFF:
            return f"must not contain a lone surrogate U+{ord(char):04X} (at position {index})"
    return None


def _walk(value: Any, path: tuple[str, ...], depth: int) -> tuple[tuple[str, ...], str] | None:
    """The first refusal in `value` with the path to it, or None."""
    if isinstance(value, list) and depth >= MAX_DEPTH:  # objects (_Members) and arrays
        return (), f"nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, _Refused):
        return path, value.why
    if isinstance(value, str):
        why = _string_refusal(value)
        return (path, why) if why else None
    if isinstance(value, _Members):
        seen: set[str] = set()
        for name, member in value:
            if (why := _string_refusal(name)) is not None:
                return (*path, name.replace("\x00", "\\u0000")), f"member name {why}"
            if name in seen:
                return (*path, name), "given twice in one object"
            seen.add(name)
            if found := _walk(member, (*path, name), depth + 1):
                return found
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := _walk(item, (*path, str(index)), depth + 1):
                return found
    return None


def refusal(body: bytes) -> tuple[str, str] | None:
    """(field, message) when `body` is not JSON this platform takes; None when it is."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return "body", f"not UTF-8: {error.reason} at byte {error.start}"
    try:
        document = json.loads(
            text,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_Members,
        )
    except json.JSONDecodeError as error:
        return "body", (
            f"not JSON: {error.msg} at line {error.lineno} column {error.colno} (char {error.pos})"
        )
    except RecursionError:
        return "body", f"nested deeper than {MAX_DEPTH} levels"
    found = _walk(document, (), 0)
    if found is None:
        return None
    path, why = found
    return ".".join(path) or "body", why


def _declared_json(headers: list[tuple[bytes, bytes]]) -> bool:
    media = dict(headers).get(b"content-type", b"").split(b";")[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


class StrictJson:
    """ASGI middleware: reads a JSON body whole, refuses it (422) or hands it on unchanged.
    Inside the body limit, which has already bounded what there is to read."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not _declared_json(scope.get("headers") or []):
            await self.app(scope, receive, send)
            return
        body, replayed = await read_whole(receive)
        found = refusal(body) if body else None
        if found is not None:
            field, why = found
            errors = [{"field": field, "in": "body", "message": why}]
            note_caller(scope)  # no route's role check ran: the audit learns who it was
            await problems.invalid(errors)(scope, receive, send)
            return
        await self.app(scope, replayed, send)
