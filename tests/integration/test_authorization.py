"""Every /v1 endpoint of every service declares who may call it; everyone else is refused."""

import re

import httpx
import pytest

from tests.utils.keys import write_keyring
from traintrack.enrollment.bootstrap import create_app as enrollment_app
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.evaluation.bootstrap import create_app as evaluation_app
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.matching.bootstrap import create_app as matching_app
from traintrack.matching.settings import MatchingSettings
from traintrack.operations.bootstrap import create_app as operations_app
from traintrack.operations.settings import OperationsSettings
from traintrack.outcomes.bootstrap import create_app as outcomes_app
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.platform.web.auth import Role

pytestmark = pytest.mark.integration

SERVICES = {
    "enrollment": (enrollment_app, EnrollmentSettings),
    "evaluation": (evaluation_app, EvaluationSettings),
    "matching": (matching_app, MatchingSettings),
    "outcomes": (outcomes_app, OutcomesSettings),
    "operations": (operations_app, OperationsSettings),
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


def routes(app_or_router):
    """Every route, with included routers flattened (FastAPI >= 0.16x keeps them wrapped;
    their routes' paths already carry the router's own prefix)."""
    for route in app_or_router.routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            assert not route.include_context.prefix, "flatten prefixes here if one is used"
            yield from routes(included)
        else:
            yield route


def operations(app):
    for route in routes(app):
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


INST, FIRM, OPER = Role.INSTITUTE, Role.FIRM, Role.OPERATOR
# The evaluation service's endpoints and who may call each, written out by hand; the
# refusal test above proves every other role gets 403.
EVALUATION = {
    ("POST", "/v1/schemes"): {OPER},
    ("GET", "/v1/schemes/{scheme_id}"): {INST, FIRM, OPER},
    ("PUT", "/v1/programmes/{programme_id}/scheme"): {OPER},
    ("PUT", "/v1/cohorts/{cohort_id}/scheme"): {OPER},
    ("POST", "/v1/evidence"): {INST, FIRM},
    ("POST", "/v1/projects"): {INST},
    ("POST", "/v1/projects/{project_id}/assessments"): {INST, FIRM},
    ("GET", "/v1/trainees/{trainee_id}/stages"): {INST, FIRM, OPER},
    ("GET", "/v1/enrollments/{enrollment_id}/stages"): {INST, FIRM, OPER},
    ("GET", "/v1/credentials/{credential_id}"): {INST, FIRM, OPER},
    ("POST", "/v1/credentials/{credential_id}/revocation"): {OPER},
    ("POST", "/v1/credentials/{credential_id}/reinstatement"): {OPER},
    ("GET", "/v1/audit"): {OPER},
}


def _app_of(service, tmp_path):
    keyring = tmp_path / "keyring.json"
    keyring.write_text("[]")
    create_app, settings_class = SERVICES[service]
    return create_app(settings_class(keyring_file=keyring))


def _declared(app):
    """The roles each non-public route of the app declares."""
    return {
        (method, route.path): set(allowed_roles(route))
        for method, route in operations(app)
        if not public(route)
    }


def test_the_evaluation_endpoints_are_open_to_exactly_these_roles(tmp_path):
    assert _declared(_app_of("evaluation", tmp_path)) == EVALUATION


# The outcomes service's, likewise (definitions, public figures and the dashboard are
# public by design).
OUTCOMES = {
    ("POST", "/v1/outcome-reports"): {INST, FIRM, OPER},
    ("POST", "/v1/imports/history"): {OPER},
    ("GET", "/v1/indicators"): {OPER},
    ("GET", "/v1/indicators.csv"): {OPER},
    ("GET", "/v1/indicators/{indicator_id}/lineage"): {OPER},
    ("GET", "/v1/funnel"): {OPER},
    ("GET", "/v1/trainees/{trainee_id}"): {OPER},
    ("GET", "/v1/audit"): {OPER},
}
OUTCOMES_PUBLIC = {
    "/v1/definitions", "/v1/public/indicators", "/v1/public/indicators.csv",
    "/v1/public/funnel", "/dashboard",
}  # fmt: skip


def test_the_outcomes_endpoints_are_open_to_exactly_these_roles(tmp_path):
    app = _app_of("outcomes", tmp_path)
    assert _declared(app) == OUTCOMES
    opened = {route.path for _, route in operations(app) if public(route)} - PUBLIC
    assert opened == OUTCOMES_PUBLIC


# Who may call each endpoint, written out by hand for the endpoints added since the matrix
# was first generated: the routes must declare exactly these roles (the refusal test above
# then proves every other role is refused).
DECLARED = {
    ("enrollment", "GET", "/v1/enrollments/at-risk"): {INST, OPER},
    ("enrollment", "POST", "/v1/enrollments/close-due"): {OPER},
    ("enrollment", "POST", "/v1/cohorts/{cohort_id}/close"): {INST, OPER},
    ("enrollment", "POST", "/v1/imports/trainees"): {INST},
    # Solving may now answer 202 and leave the round to the background solver; the round
    # shows its progress.
    ("matching", "POST", "/v1/rounds/{round_id}/solve"): {OPER},
    ("matching", "GET", "/v1/rounds/{round_id}"): {INST, OPER},
}


@pytest.mark.parametrize(("service", "method", "path"), sorted(DECLARED))
def test_new_endpoints_declare_exactly_the_roles_written_here(tmp_path, service, method, path):
    declared = _declared(_app_of(service, tmp_path))
    assert declared[method, path] == DECLARED[service, method, path]


def test_the_matrix_of_every_endpoint_and_role_is_written_out(tmp_path):
    """The whole matrix, service by service, kept as test-artifacts/authorization-matrix.md;
    what it says is what the refusal test above enforces."""
    from tests.utils.processes import ARTIFACTS

    keyring = tmp_path / "keyring.json"
    keyring.write_text("[]")
    roles = sorted(Role)
    lines = [
        "| service | method | path | " + " | ".join(roles) + " |",
        "|---|---|---|" + "---|" * len(roles),
    ]
    counted = 0
    for name, (create_app, settings_class) in sorted(SERVICES.items()):
        app = create_app(settings_class(keyring_file=keyring))
        for method, route in operations(app):
            if route.path in PUBLIC:
                continue
            allowed = set(Role) if public(route) else allowed_roles(route)
            assert allowed, f"{name} {method} {route.path} declares no roles"
            cells = [
                "public" if public(route) else ("yes" if r in allowed else "403") for r in roles
            ]
            lines.append(f"| {name} | {method} | `{route.path}` | " + " | ".join(cells) + " |")
            counted += 1
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "authorization-matrix.md").write_text("\n".join(lines) + "\n")
    assert counted > 80  # every service's endpoints, not a handful
