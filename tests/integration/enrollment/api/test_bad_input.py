"""Bad input to the enrollment API: problems naming the field, nothing written."""

import pytest

from tests.integration.enrollment.api.helpers import (
    COHORT,
    MARCH,
    as_,
    attendance,
    enrolled,
    register,
)
from tests.utils import factories

pytestmark = pytest.mark.integration


async def test_calls_without_a_valid_key_are_refused_with_401(client):
    for headers in ({}, {"X-API-Key": "tt_000000000000_forged"}):
        response = await client.post("/v1/trainees", json=factories.trainee_body(), headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


BAD_INPUT = [
    ("/v1/trainees", {"birth_year": "nineteen"}, "birth_year"),
    ("/v1/trainees", {"birth_year": 2020}, "birth_year"),
    ("/v1/trainees", {"region_code": "99"}, "region_code"),
    ("/v1/trainees", {"status": "retired"}, "status"),
    ("/v1/trainees", {"email": "not-an-email"}, "email"),
    ("/v1/trainees", {"name": ""}, "name"),
    ("/v1/trainees", {"nickname": "x"}, "nickname"),
    (
        "/v1/programmes",
        {"track": "k_digital_training", "project_work_share": 0.1},
        "project_work_share",
    ),
    ("/v1/programmes", {"hours": 0}, "hours"),
    ("/v1/programmes", {"track": "bootcamp"}, "track"),
    ("/v1/cohorts", {"ends_on": "2026-02-01"}, "ends_on"),
    ("/v1/cohorts", {"programme_id": "no-such-programme"}, None),
    ("/v1/attendance", {"day": "2026-03-07"}, "day"),
    ("/v1/attendance", {"status": "sleeping"}, "status"),
    ("/v1/attendance", {"check_out": "08:00"}, "check_out"),
    ("/v1/surveys", {"score": 101}, "score"),
    ("/v1/drop-outs", {"reason": "bored"}, "reason"),
    ("/v1/enrollments", {"cohort_id": "no-such-cohort"}, None),
]


@pytest.mark.parametrize(("path", "change", "field"), BAD_INPUT)
async def test_bad_input_gets_a_problem_naming_the_field_and_writes_nothing(
    app, client, keys, path, change, field
):
    enrollment = await enrolled(client, keys)
    ids = {"trainee_id": enrollment["trainee_id"], "enrollment_id": enrollment["enrollment_id"]}
    valid = {
        "/v1/trainees": factories.trainee_body(),
        "/v1/programmes": {
            "programme_id": "p-bad",
            "name": "x",
            "track": "k_digital_credit",
            "field": "AI",
            "hours": 40,
            "capacity": 10,
            "project_work_share": 0.5,
        },
        "/v1/cohorts": {
            "cohort_id": "c-bad",
            "programme_id": f"{COHORT}-prog",
            "starts_on": "2026-03-02",
            "ends_on": "2026-06-30",
        },
        "/v1/attendance": attendance(enrollment, MARCH[3], check_out="18:00"),
        "/v1/surveys": {**ids, "score": 90, "submitted_on": "2026-04-10"},
        "/v1/drop-outs": {**ids, "dropped_on": "2026-03-20", "reason": "personal"},
        "/v1/enrollments": {
            "trainee_id": enrollment["trainee_id"],
            "cohort_id": COHORT,
            "applied_on": "2026-02-20",
        },
    }[path]
    before = await app.state.pool.fetchval("SELECT count(*) FROM outbox")
    response = await client.post(path, json={**valid, **change}, headers=as_(keys, "institute"))
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]]
        assert field in problem["detail"]
    else:
        assert response.status_code == 404
    assert await app.state.pool.fetchval("SELECT count(*) FROM outbox") == before


async def test_health_readiness_and_metrics_answer(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "kafka": True}
    metrics = (await client.get("/metrics")).text
    assert "http_requests_total" in metrics
    assert "outbox_unsent_events" in metrics


@pytest.mark.parametrize(
    ("method", "path", "who", "body", "field"),
    [
        (
            "post",
            "/v1/institutes",
            "operator",
            {"institute_id": "x-inst", "name": "X", "region_code": "00"},
            "region_code",
        ),
        (
            "post",
            "/v1/institutes",
            "operator",
            {"institute_id": "Bad Id!", "name": "X", "region_code": "11"},
            "institute_id",
        ),
        (
            "put",
            "/v1/trainees/{trainee_id}/consent",
            "institute",
            {"share_with_firms": "perhaps"},
            "share_with_firms",
        ),
        ("post", "/v1/completions", "institute", {"completed_on": "someday"}, "completed_on"),
        (
            "post",
            "/v1/enrollments/{enrollment_id}/admit",
            "institute",
            {"enrolled_on": "2026-13-01"},
            "enrolled_on",
        ),
    ],
)
async def test_other_endpoints_name_the_bad_field_too(
    app, client, keys, method, path, who, body, field
):
    enrollment = await enrolled(client, keys)
    ids = {"trainee_id": enrollment["trainee_id"], "enrollment_id": enrollment["enrollment_id"]}
    if path == "/v1/completions":
        body = {**ids, **body}
    before = await app.state.pool.fetchval("SELECT count(*) FROM outbox")
    response = await client.request(
        method.upper(), path.format(**ids), json=body, headers=as_(keys, who)
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await app.state.pool.fetchval("SELECT count(*) FROM outbox") == before


async def test_nul_characters_and_malformed_path_ids_get_a_problem_not_a_server_error(
    app, client, keys
):
    nul = await register(client, keys, name="김\x00서연")
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["field"] == "name"
    odd_id = await client.put(
        "/v1/trainees/%C2%A1%C2%AF(NV/consent",
        headers=as_(keys, "institute"),
        json={"share_with_firms": True},
    )
    assert odd_id.status_code == 422
    assert odd_id.headers["content-type"] == "application/problem+json"
    assert odd_id.json()["errors"][0]["field"] == "trainee_id"
