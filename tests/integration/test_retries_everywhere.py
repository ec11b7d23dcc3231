"""Every changing operation of every service takes an Idempotency-Key, and says so in its
OpenAPI document; a malformed key is refused naming the header, before anything runs."""

import httpx
import pytest

from tests.integration.test_authorization import keys, routes, service  # noqa: F401
from traintrack.platform.web.auth import Role

pytestmark = pytest.mark.integration
CHANGING = {"post", "put", "patch", "delete"}


async def test_every_changing_operation_declares_the_key_and_no_read_does(service):  # noqa: F811
    paths = service.openapi()["paths"]
    changing = 0
    for path, operations in paths.items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            assert names.count("Idempotency-Key") == (method in CHANGING), (method, path)
            changing += method in CHANGING
    assert changing >= 2  # every service changes something


@pytest.mark.parametrize(
    ("key", "refused"),
    [("k" * 200, False), ("k" * 201, True), ("", True), ("has space", True), ("é".encode(), True)],
)
async def test_a_malformed_key_is_refused_naming_the_header(service, keys, key, refused):  # noqa: F811
    [route] = [
        r
        for r in routes(service)
        if getattr(r, "methods", None) and r.methods & {"POST"} and r.path.startswith("/v1/")
    ][:1]
    issued, _ = keys
    headers = {"X-API-Key": issued[Role.OPERATOR], "Idempotency-Key": key}
    transport = httpx.ASGITransport(app=service)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        path = route.path.replace("{", "x").replace("}", "")
        answer = await client.post(path, json={}, headers=headers)
    if refused:
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["field"] == "Idempotency-Key"
    else:  # accepted as a key: whatever the route says of the empty body, not about the key
        assert "Idempotency-Key" not in answer.text
