import json

import httpx
import pytest

from enrollment.bootstrap import create_app
from enrollment.settings import EnrollmentSettings
from tests.utils import factories
from traintrack_shared.auth import Role, issue_key

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    issued = {
        "institute": issue_key(Role.INSTITUTE, "inst-a"),
        "other_institute": issue_key(Role.INSTITUTE, "inst-b"),
        "firm": issue_key(Role.FIRM, "firm-a"),
        "operator": issue_key(Role.OPERATOR, "platform"),
    }
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    path.write_text(json.dumps([entry.model_dump() for _, entry in issued.values()]))
    return {name: key for name, (key, _) in issued.items()} | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    settings = EnrollmentSettings(
        database_url=await platform.fresh_database("enrollment"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://enrollment"
    ) as client:
        yield client


def as_(keys, who):
    return {"X-API-Key": keys[who]}


async def register(client, keys, who="institute", **overrides):
    return await client.post(
        "/v1/trainees", json=factories.trainee_body(**overrides), headers=as_(keys, who)
    )


async def outbox_rows(app, event_type):
    return await app.state.pool.fetch("SELECT * FROM outbox WHERE event_type = $1", event_type)


async def test_an_institute_registers_a_trainee_and_the_event_carries_no_personal_details(
    app, client, keys
):
    response = await register(client, keys)
    assert response.status_code == 201
    trainee = response.json()
    assert trainee["institute_id"] == "inst-a"
    assert trainee["trainee_id"].startswith("tr-")
    rows = await outbox_rows(app, "traintrack.enrollment.trainee-registered.v1")
    [row] = [r for r in rows if r["partition_key"] == trainee["trainee_id"]]
    assert row["topic"] == "enrollment.events.v1"
    serialized = json.dumps(row["data"], ensure_ascii=False)
    assert "김서연" not in serialized and "seoyeon@example.org" not in serialized
    assert set(row["data"]) >= {"trainee_id", "birth_year", "region_code", "status"}


async def test_an_institute_enrolls_its_trainee_once_per_cohort(app, client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    body = {"trainee_id": trainee_id, "cohort_id": "kdt-ai-2026-1", "enrolled_on": "2026-03-02"}
    first = await client.post("/v1/enrollments", json=body, headers=as_(keys, "institute"))
    assert first.status_code == 201
    assert first.json()["status"] == "enrolled"
    again = await client.post("/v1/enrollments", json=body, headers=as_(keys, "institute"))
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["errors"][0]["field"] == "cohort_id"
    rows = await outbox_rows(app, "traintrack.enrollment.trainee-enrolled.v1")
    assert len([r for r in rows if r["partition_key"] == trainee_id]) == 1


async def test_calls_without_a_valid_key_are_refused_with_401(client, keys):
    for headers in ({}, {"X-API-Key": "tt_000000000000_forged"}):
        response = await client.post("/v1/trainees", json=factories.trainee_body(), headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("who", ["firm", "operator"])
async def test_only_institutes_may_register_trainees(client, keys, who):
    response = await register(client, keys, who)
    assert response.status_code == 403
    assert response.json()["status"] == 403


async def test_an_institute_cannot_see_or_enroll_another_institutes_trainee(client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    read = await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "other_institute"))
    assert read.status_code == 404
    enroll = await client.post(
        "/v1/enrollments",
        headers=as_(keys, "other_institute"),
        json={"trainee_id": trainee_id, "cohort_id": "c-1", "enrolled_on": "2026-03-02"},
    )
    assert enroll.status_code == 404


async def test_operators_read_any_trainee_and_firms_read_none(client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    assert (
        await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "operator"))
    ).status_code == 200
    assert (
        await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "firm"))
    ).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_year": "nineteen"}, "birth_year"),
        ({"birth_year": 2020}, "birth_year"),
        ({"region_code": "99"}, "region_code"),
        ({"status": "retired"}, "status"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"nickname": "x"}, "nickname"),
    ],
)
async def test_bad_input_gets_a_problem_naming_the_field_and_writes_nothing(
    app, client, keys, overrides, field
):
    before = await app.state.pool.fetchval("SELECT count(*) FROM trainees")
    response = await register(client, keys, **overrides)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert field in [e["field"] for e in problem["errors"]]
    assert field in problem["detail"]
    assert await app.state.pool.fetchval("SELECT count(*) FROM trainees") == before


async def test_health_readiness_and_metrics_answer(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "kafka": True}
    metrics = (await client.get("/metrics")).text
    assert "http_requests_total" in metrics
    assert "outbox_unsent_events" in metrics


async def test_every_route_declares_the_api_key_scheme(app):
    spec = app.openapi()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/v1/"):
                assert operation.get("security") == [{"APIKeyHeader": []}], (method, path)
