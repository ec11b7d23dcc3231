"""Every /v1 endpoint of every service declares who may call it; everyone else is refused."""

import re

import httpx
import pytest

from enrollment.bootstrap import create_app as enrollment_app
from enrollment.settings import EnrollmentSettings
from evaluation.bootstrap import create_app as evaluation_app
from evaluation.settings import EvaluationSettings
from matching_service.bootstrap import create_app as matching_app
from matching_service.settings import MatchingSettings
from outcomes.bootstrap import create_app as outcomes_app
from outcomes.settings import OutcomesSettings
from tests.utils.keys import write_keyring
from traintrack_shared.auth import Role

pytestmark = pytest.mark.integration

SERVICES = {
    "enrollment": (enrollment_app, EnrollmentSettings),
    "evaluation": (evaluation_app, EvaluationSettings),
    "matching": (matching_app, MatchingSettings),
    "outcomes": (outcomes_app, OutcomesSettings),
}
PUBLIC = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/openapi.json",
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(path, {role.value: (role, f"tenant-{role.value}") for role in Role})
    return {role: issued[role.value] for role in Role}, path


@pytest.fixture(scope="module", params=sorted(SERVICES))
async def service(request, platform, keys):
    create_app, settings_class = SERVICES[request.param]
    settings = settings_class(
        database_url=await platform.fresh_database(request.param),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys[1],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def allowed_roles(route):
    """The roles of the `requires(...)` dependency, however deep it sits."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        roles = getattr(dependency.call, "roles", None)
        if roles is not None:
            return roles
        pending.extend(dependency.dependencies)
    return None


def operations(app):
    for route in app.routes:
        for method in sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"}):
            yield method, route


def public(route):
    """Operational endpoints, and those a route itself marks public (credential checks)."""
    return route.path in PUBLIC or (getattr(route, "openapi_extra", None) or {}).get("x-public")


async def test_every_endpoint_is_public_by_design_or_declares_its_roles(service):
    for _, route in operations(service):
        if not public(route):
            assert route.path.startswith("/v1/"), route.path
            assert allowed_roles(route), f"{route.path} declares no roles"


async def test_callers_without_a_key_or_with_another_role_are_refused(service, keys):
    by_role, _ = keys
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service), base_url="http://svc"
    ) as client:
        for method, route in operations(service):
            if public(route):
                continue
            path = re.sub(r"\{[^}]+\}", "x-1", route.path)
            anonymous = await client.request(method, path, json={})
            assert anonymous.status_code == 401, (method, path)
            for role in set(Role) - allowed_roles(route):
                refused = await client.request(
                    method, path, json={}, headers={"X-API-Key": by_role[role]}
                )
                assert refused.status_code == 403, (method, path, role)
                assert refused.headers["content-type"] == "application/problem+json"
