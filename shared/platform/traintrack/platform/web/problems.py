"""RFC 9457 problem details for every error an API returns."""

from __future__ import annotations

from typing import Any

import asyncpg
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


async def _validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return _invalid(
        [
            {
                "field": _field(tuple(e["loc"])),
                "in": str(e["loc"][0]) if e["loc"] else "body",
                "message": e["msg"],
            }
            for e in error.errors()
        ]
    )


def _invalid(errors: list[dict[str, str]]) -> JSONResponse:
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(422, "Invalid request", f"invalid field(s): {fields}", errors=errors)


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    response = problem(error.status_code, _title(error.status_code), str(error.detail))
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
    return _invalid(
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


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Rejected, _rejected)
    app.add_exception_handler(ValidationError, _invalid_model)
    app.add_exception_handler(asyncpg.DeadlockDetectedError, _contended)
    app.add_exception_handler(asyncpg.SerializationError, _contended)
