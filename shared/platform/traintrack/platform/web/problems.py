"""RFC 9457 problem details for every error an API returns."""

from __future__ import annotations

from typing import Any

import asyncpg
import kafka.errors
from aiokafka import errors as aiokafka_errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from traintrack.platform.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Rejected,
    TooLarge,
    UnsupportedMedia,
)

PROBLEM_JSON = "application/problem+json"
# The one place a refusal becomes an HTTP status; any other Rejected is a 422.
STATUS_OF: dict[type[Rejected], int] = {
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    UnsupportedMedia: 415,
}


def status_of(error: Rejected) -> int:
    return next((STATUS_OF[c] for c in type(error).__mro__ if c in STATUS_OF), 422)


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _field(loc: tuple[Any, ...]) -> str:
    # ("body", "birth_year") -> "birth_year"; ("query", "limit") -> "limit"
    parts = (
        [str(p) for p in loc[1:]]
        if loc and loc[0] in ("body", "query", "path", "header")
        else list(map(str, loc))
    )
    return ".".join(parts) or str(loc[0] if loc else "(request)")


async def invalid_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return invalid([_named(e) for e in error.errors()])


def _named(error: dict[str, Any]) -> dict[str, str]:
    loc = tuple(error["loc"])
    if error.get("type") == "json_invalid":
        # FastAPI puts the character offset where the field goes: the body is the field.
        reason = (error.get("ctx") or {}).get("error", error["msg"])
        offset = f" (char {loc[1]})" if len(loc) > 1 else ""
        return {"field": "body", "in": "body", "message": f"not JSON: {reason}{offset}"}
    return {
        "field": _field(loc),
        "in": str(loc[0]) if loc else "body",
        "message": error["msg"],
    }


def invalid(errors: list[dict[str, str]]) -> JSONResponse:
    """422: the request's named fields cannot be taken."""
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(422, "Invalid request", f"invalid field(s): {fields}", errors=errors)


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    errors = (
        # FastAPI's answer to a body its parser fell over (not one declared JSON, which
        # json_bodies reads first): the body is what is wrong.
        {"errors": [{"field": "body", "in": "body", "message": str(error.detail)}]}
        if error.status_code == 400 and error.detail == "There was an error parsing the body"
        else {}
    )
    response = problem(error.status_code, _title(error.status_code), str(error.detail), **errors)
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    if error.status_code == 405:
        response.headers["Allow"] = ", ".join(_methods_at(request))
    return response


def _methods_at(request: Request) -> list[str]:
    """Every method of the path the request names. Starlette's own 405 lists those of the
    first route matching the path only, and a GET and a POST on one path are two routes;
    a route whose template merely also matches (`/enrollments/{id}` for
    `/enrollments/close-due`) is another path."""
    from traintrack.platform.web.openapi import flattened  # it imports this module

    path = request.scope.get("path", "")
    routes = [r for r in flattened(request.app.routes) if getattr(r, "methods", None)]
    matching = [r for r in routes if r.path_regex.match(path)]
    if not matching:
        return []
    template = matching[0].path_format
    return sorted({m for r in matching if r.path_format == template for m in r.methods})


async def _rejected(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Rejected)
    status = status_of(error)
    if error.field is None:
        return problem(status, _title(status), error.detail)
    return problem(
        status,
        _title(status),
        f"{error.field}: {error.detail}",
        errors=[{"field": error.field, "message": error.detail}],
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _invalid_model(_: Request, error: Exception) -> JSONResponse:
    """A model built from request data inside a route (a path value checked by a contract,
    say) failed: the caller's input, so 422, naming the field."""
    assert isinstance(error, ValidationError)
    return invalid(
        [
            {"field": ".".join(str(p) for p in e["loc"]) or "(request)", "message": e["msg"]}
            for e in error.errors()
        ]
    )


async def _contended(_: Request, error: Exception) -> JSONResponse:
    """Two transactions wanted each other's rows and PostgreSQL gave up one: nothing was
    changed, and the same request will very likely succeed now."""
    response = problem(503, "Service Unavailable", "busy; nothing was changed, try again")
    response.headers["Retry-After"] = "1"
    return response


# A database or broker the request needed did not answer: nothing is known to have changed
# (a retry with the same Idempotency-Key is safe either way), so 503, never a bare 500.
UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # the connection broke or could not be made
    asyncpg.OperatorInterventionError,  # shutting down, starting up, crashed
    OSError,  # refused, unreachable, timed out (TimeoutError: the pool's acquire)
    aiokafka_errors.KafkaConnectionError,
    aiokafka_errors.KafkaTimeoutError,
    aiokafka_errors.NodeNotReadyError,
    aiokafka_errors.RequestTimedOutError,
    kafka.errors.KafkaConnectionError,
    kafka.errors.KafkaTimeoutError,
)
RETRY_AFTER = "5"  # seconds: a restart of the database or the broker takes about that


def unavailable() -> JSONResponse:
    response = problem(
        503, "Service Unavailable", "a store or the broker is unreachable; try again later"
    )
    response.headers["Retry-After"] = RETRY_AFTER
    return response


async def _unavailable(_: Request, error: Exception) -> JSONResponse:
    return unavailable()


async def _interface(request: Request, error: Exception) -> JSONResponse:
    """asyncpg's InterfaceError is also a programming error; only a closed connection or
    pool (the database went away under it) is the database being unavailable."""
    if "clos" in str(error):
        return unavailable()
    raise error


async def answer_to(request: Request, error: Exception) -> JSONResponse | None:
    """The problem an error raised outside the app's exception handlers (the commit of a
    keyed request, say) answers, as the handlers would; None for an unexpected error."""
    handlers: list[tuple[type[Exception] | tuple[type[Exception], ...], Any]] = [
        (Rejected, _rejected),
        ((asyncpg.DeadlockDetectedError, asyncpg.SerializationError), _contended),
        (UNAVAILABLE, _unavailable),
    ]
    for kinds, handler in handlers:
        if isinstance(error, kinds):
            response: JSONResponse = await handler(request, error)
            return response
    if isinstance(error, asyncpg.InterfaceError) and "clos" in str(error):
        return unavailable()
    return None


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Rejected, _rejected)
    app.add_exception_handler(ValidationError, _invalid_model)
    app.add_exception_handler(asyncpg.DeadlockDetectedError, _contended)
    app.add_exception_handler(asyncpg.SerializationError, _contended)
    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)
    app.add_exception_handler(asyncpg.InterfaceError, _interface)
