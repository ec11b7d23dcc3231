"""The OpenAPI document as the service really answers: every error an operation can return
declared as RFC 9457 problem+json, who may call it, where it is served, under what licence.

FastAPI knows only the 422 of its own validation (and calls it `HTTPValidationError`, a
body this platform never sends). The rest follows from the route: a `requires(...)`
dependency means 401/403, a path parameter 404, a body 413, any operation 503 (database or
broker away). What only the route knows (a 404 without a path id, a 409, a 415) it
declares itself: `responses=errors(409)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from traintrack.platform.web.problems import PROBLEM_JSON

# The project declares no open-source licence; the lead may replace this with one.
LICENSE = {"name": "Proprietary"}
SERVERS = [{"url": "/", "description": "the service that serves this document"}]
SECURITY_SCHEME = "APIKeyHeader"  # FastAPI's name for `auth.api_key_header`
ALWAYS_UP = {"/healthz"}  # answers without the database or the broker: never a 503
UNPROBLEMED = {"HTTPValidationError", "ValidationError"}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` names each refused field.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "about:blank: the status says it all"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
    },
}
PROBLEM_ERROR = {
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "the field, dotted for nested ones"},
        "in": {"type": "string", "description": "body, query, path or header"},
        "message": {"type": "string"},
    },
}
WHY = {
    401: "No valid X-API-Key header.",
    403: "The caller's role or tenant may not do this.",
    404: "What the request names does not exist, or the caller may not know it does.",
    409: "The request clashes with the current state (a duplicate, a closed record).",
    413: "The request body is larger than the service takes.",
    415: "The body comes in a media type the operation does not read.",
    422: "A field is invalid or a rule is broken; `errors` names the fields.",
    503: "The database or the broker is unreachable; nothing was changed, try again later.",
}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "ApiKey"}},
    503: {
        "Retry-After": {
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
            "description": "seconds to wait before trying again",
        }
    },
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """What a route declares for the errors only it knows it can return: `responses=`."""
    return {status: problem_response(status) for status in statuses}


def problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": WHY.get(status, HTTPStatus(status).phrase),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in HEADERS:
        response["headers"] = HEADERS[status]
    return response


def install(app: FastAPI) -> None:
    """Make `app.openapi()` (and /openapi.json) the document described above."""
    generate = app.openapi
    described: list[dict[str, Any]] = []  # the last one: FastAPI caches it until routes change

    def openapi() -> dict[str, Any]:
        document = generate()
        if not described or described[-1] is not document:
            describe(document, app)
            described[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def describe(document: dict[str, Any], app: FastAPI) -> None:
    document["info"]["license"] = LICENSE
    document["servers"] = SERVERS
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in UNPROBLEMED:
        schemas.pop(name, None)
    schemas["Problem"], schemas["ProblemError"] = PROBLEM, PROBLEM_ERROR
    for method, route in operations(app):
        operation = document["paths"][route.path_format][method.lower()]
        _declare(operation, route)


def _declare(operation: dict[str, Any], route: APIRoute) -> None:
    roles = allowed_roles(route)
    statuses = set() if route.path_format in ALWAYS_UP else {503}
    if roles is None:
        operation["security"] = []
    else:
        operation["security"] = [{SECURITY_SCHEME: []}]
        operation["x-roles"] = sorted(roles)
        statuses |= {401, 403}
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(413)
    responses = operation.setdefault("responses", {})
    for status in statuses:
        responses.setdefault(str(status), {})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400 and not _own_body(response):
            responses[status] = {**problem_response(int(status)), **_described(response)}
    operation["responses"] = dict(sorted(responses.items()))


def _own_body(response: dict[str, Any]) -> bool:
    """A route that declared its own error body (readyz's 503) keeps it."""
    content = response.get("content", {})
    refs = [m.get("schema", {}).get("$ref", "") for m in content.values()]
    return bool(content) and not any(r.rsplit("/", 1)[-1] in UNPROBLEMED for r in refs)


def _described(response: dict[str, Any]) -> dict[str, Any]:
    """The route's own description wins over ours; FastAPI's generic ones do not."""
    text = response.get("description")
    generic = {None, "Validation Error", "Additional Response"}
    return {} if text in generic else {"description": text}


def allowed_roles(route: APIRoute) -> frozenset[str] | None:
    """The roles of the route's `requires(...)` dependency, however deep; None: public."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        roles = getattr(dependency.call, "roles", None)
        if roles is not None:
            return frozenset(str(r) for r in roles)
        pending.extend(dependency.dependencies)
    return None


def operations(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    for route in flattened(app.routes):
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in sorted(set(route.methods or ()) - {"HEAD"}):
                yield method, route


def flattened(routes: Any) -> Iterator[Any]:
    """Included routers flattened (FastAPI >= 0.16x keeps them wrapped, their routes'
    paths already carrying the router's prefix)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from flattened(included.routes) if included is not None else (route,)
