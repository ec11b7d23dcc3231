"""Every service's OpenAPI document says what the service answers: each error as RFC 9457
problem+json, who may call each operation, where it is served and under what licence."""

import httpx
import pytest

from tests.integration.test_authorization import SERVICES
from traintrack.platform.web.openapi import allowed_roles, operations

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module", params=sorted(SERVICES))
def app(request, tmp_path_factory):
    keyring = tmp_path_factory.mktemp("keys") / "keyring.json"
    keyring.write_text("[]")
    create_app, settings_class = SERVICES[request.param]
    return create_app(settings_class(keyring_file=keyring))


def each_operation(app):
    document = app.openapi()
    for method, route in operations(app):
        yield method, route, document["paths"][route.path_format][method.lower()]


def test_the_document_names_its_servers_and_licence_and_no_fastapi_error_body(app):
    document = app.openapi()
    assert document["servers"] == [
        {"url": "/", "description": document["servers"][0]["description"]}
    ]
    assert document["info"]["license"]["name"]
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert "HTTPValidationError" not in str(document)
    assert schemas["Problem"]["required"] == ["type", "title", "status"]
    assert set(schemas["Problem"]["properties"]) == {
        "type", "title", "status", "detail", "instance", "errors"
    }  # fmt: skip
    assert schemas["ProblemError"]["required"] == ["field", "message"]


def test_every_error_an_operation_declares_is_problem_json(app):
    for method, route, operation in each_operation(app):
        for status, response in operation["responses"].items():
            if int(status) < 400 or (route.path == "/readyz" and status == "503"):
                continue
            assert response["content"] == PROBLEM, (method, route.path, status)


def test_protected_operations_declare_the_key_and_its_refusals_public_ones_no_key(app):
    for method, route, operation in each_operation(app):
        responses = operation["responses"]
        if allowed_roles(route) is None:
            assert operation["security"] == [], (method, route.path)
            assert "401" not in responses, (method, route.path)
        else:
            assert operation["security"] == [{"APIKeyHeader": []}], (method, route.path)
            assert operation["x-roles"] == sorted(allowed_roles(route))
            assert {"401", "403"} <= set(responses), (method, route.path)
            assert "WWW-Authenticate" in responses["401"]["headers"]


def test_inputs_declare_their_refusals_and_every_operation_but_healthz_a_503(app):
    for method, route, operation in each_operation(app):
        responses, parameters = operation["responses"], operation.get("parameters", [])
        where = (method, route.path)
        if any(p["in"] == "path" for p in parameters):
            assert "404" in responses, where
        if parameters or "requestBody" in operation:
            assert "422" in responses, where
        if "requestBody" in operation:
            assert "413" in responses, where
        if route.path == "/healthz":
            assert "503" not in responses
        else:
            assert "503" in responses, where
    readyz = app.openapi()["paths"]["/readyz"]["get"]["responses"]["503"]
    assert readyz["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Readiness"
    }


def test_a_503_problem_tells_when_to_try_again():
    from traintrack.platform.web.openapi import problem_response

    retry = problem_response(503)["headers"]["Retry-After"]
    assert retry["required"] is True
    assert retry["schema"] == {"type": "integer", "minimum": 0}


# What only the route knows, written out by hand for a few: the rest follows the same way.
DECLARED = {
    ("enrollment", "POST", "/v1/enrollments"): {"404", "409"},
    ("enrollment", "POST", "/v1/institutes"): {"409"},
    ("matching", "POST", "/v1/rounds/{round_id}/solve"): {"404", "409"},
    ("outcomes", "POST", "/v1/imports/history"): {"415"},
    ("outcomes", "GET", "/v1/public/indicators"): {"404"},
    ("operations", "POST", "/v1/dead-letters/{topic}/{partition}/{offset}/discard"): {"404", "409"},
}


@pytest.mark.parametrize(("service", "method", "path"), sorted(DECLARED))
def test_routes_declare_the_conflicts_and_absences_only_they_know(tmp_path, service, method, path):
    keyring = tmp_path / "keyring.json"
    keyring.write_text("[]")
    create_app, settings_class = SERVICES[service]
    document = create_app(settings_class(keyring_file=keyring)).openapi()
    responses = document["paths"][path][method.lower()]["responses"]
    assert DECLARED[(service, method, path)] <= set(responses)
    for status in DECLARED[(service, method, path)]:
        assert responses[status]["content"] == PROBLEM


async def test_a_method_a_path_does_not_take_is_405_naming_every_method_it_does(tmp_path):
    keyring = tmp_path / "keyring.json"
    keyring.write_text("[]")
    create_app, settings_class = SERVICES["enrollment"]
    app = create_app(settings_class(keyring_file=keyring))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://svc"
    ) as client:
        # GET and POST /v1/cohorts are two routes: Starlette alone would say "Allow: POST".
        refused = await client.request("PATCH", "/v1/cohorts")
    assert refused.status_code == 405
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["allow"] == "GET, POST"
    # /v1/enrollments/{enrollment_id} matches this path too, but it is another resource.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://svc"
    ) as client:
        refused = await client.request("PUT", "/v1/enrollments/close-due")
    assert (refused.status_code, refused.headers["allow"]) == (405, "POST")
