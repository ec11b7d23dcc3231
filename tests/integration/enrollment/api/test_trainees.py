"""Trainees through the enrollment API: registration, retries, consent, erasure."""

import asyncio
import json

import pytest

from tests.integration.enrollment.api.helpers import (
    SURVEY_COHORT,
    as_,
    emitted,
    register,
)
from tests.utils import factories

pytestmark = pytest.mark.integration


async def test_a_retried_registration_with_its_idempotency_key_creates_one_trainee(
    app, client, keys
):
    body = factories.trainee_body()
    headers = as_(keys, "institute") | {"Idempotency-Key": "reg-7f3a"}
    first, again = [await client.post("/v1/trainees", json=body, headers=headers) for _ in "12"]
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(await emitted(app, "trainee-registered", first.json()["trainee_id"])) == 1
    # Without a key, or with another, a second trainee is registered as before.
    other = await client.post(
        "/v1/trainees", json=body, headers=as_(keys, "institute") | {"Idempotency-Key": "reg-2"}
    )
    assert other.json()["trainee_id"] != first.json()["trainee_id"]


async def test_an_erased_trainee_is_not_brought_back_by_a_retried_registration(client, keys):
    body = factories.trainee_body(name="홍길동", email="gildong@example.org")
    headers = as_(keys, "institute") | {"Idempotency-Key": "reg-then-erased"}
    first = await client.post("/v1/trainees", json=body, headers=headers)
    erased = await client.delete(
        f"/v1/trainees/{first.json()['trainee_id']}/personal-details",
        headers=as_(keys, "operator"),
    )
    assert erased.status_code == 204
    again = await client.post("/v1/trainees", json=body, headers=headers)
    assert again.json()["trainee_id"] == first.json()["trainee_id"]
    assert "홍길동" not in again.text and "gildong" not in again.text


async def test_concurrent_twins_of_one_request_create_one_enrollment(app, client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    body = {"trainee_id": trainee_id, "cohort_id": SURVEY_COHORT, "applied_on": "2026-02-20"}
    headers = as_(keys, "institute") | {"Idempotency-Key": f"enr-{trainee_id}"}
    answers = await asyncio.gather(
        *(client.post("/v1/enrollments", json=body, headers=headers) for _ in range(4))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["enrollment_id"] for a in answers}) == 1
    assert len(await emitted(app, "trainee-enrolled", trainee_id)) == 1


async def test_an_idempotency_key_reused_for_another_body_is_refused(client, keys):
    headers = as_(keys, "institute") | {"Idempotency-Key": "reused-key"}
    assert (
        await client.post("/v1/trainees", json=factories.trainee_body(), headers=headers)
    ).status_code == 201
    refused = await client.post(
        "/v1/trainees", json=factories.trainee_body(birth_year=1980), headers=headers
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_keys_are_scoped_to_the_tenant(client, keys):
    """Another institute choosing the same key string gets its own trainee, not ours."""
    key = {"Idempotency-Key": "shared-string"}
    ours = await client.post(
        "/v1/trainees", json=factories.trainee_body(), headers=as_(keys, "institute") | key
    )
    theirs = await client.post(
        "/v1/trainees", json=factories.trainee_body(), headers=as_(keys, "other_institute") | key
    )
    assert theirs.status_code == 201
    assert theirs.json()["trainee_id"] != ours.json()["trainee_id"]
    assert "Idempotent-Replayed" not in theirs.headers


async def test_an_institute_registers_a_trainee_and_the_event_carries_no_personal_details(
    app, client, keys
):
    response = await register(client, keys)
    assert response.status_code == 201
    trainee = response.json()
    assert trainee["institute_id"] == "inst-a"
    [data] = await emitted(app, "trainee-registered", trainee["trainee_id"])
    serialized = json.dumps(data, ensure_ascii=False)
    assert "김서연" not in serialized and "seoyeon@example.org" not in serialized
    assert data["region_code"] == "11"


async def test_consent_changes_are_kept_as_history_and_announced_once(app, client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    for _ in range(2):
        changed = await client.put(
            f"/v1/trainees/{trainee_id}/consent",
            headers=as_(keys, "institute"),
            json={"share_with_firms": False},
        )
        assert changed.json()["consent_share_with_firms"] is False
    history = (
        await client.get(
            f"/v1/trainees/{trainee_id}/consent-history", headers=as_(keys, "operator")
        )
    ).json()
    assert [h["share_with_firms"] for h in history] == [True, False]
    assert [e["share_with_firms"] for e in await emitted(app, "consent-changed", trainee_id)] == [
        False
    ]


async def test_an_operator_erases_personal_details_and_the_id_remains(app, client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    refused = await client.delete(
        f"/v1/trainees/{trainee_id}/personal-details", headers=as_(keys, "institute")
    )
    assert refused.status_code == 403
    erased = await client.delete(
        f"/v1/trainees/{trainee_id}/personal-details", headers=as_(keys, "operator")
    )
    assert erased.status_code == 204
    trainee = (await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "operator"))).json()
    assert (trainee["name"], trainee["email"], trainee["phone"]) == (None, None, None)
    assert trainee["trainee_id"] == trainee_id
    assert len(await emitted(app, "trainee-erased", trainee_id)) == 1
    left = await app.state.pool.fetchval(
        "SELECT count(*) FROM trainee_personal_details WHERE trainee_id = $1", trainee_id
    )
    assert left == 0


async def test_erasure_clears_the_consent_and_its_history_and_none_can_be_given_after(
    app, client, keys
):
    trainee_id = (await register(client, keys)).json()["trainee_id"]  # consents on registration
    institute, operator = as_(keys, "institute"), as_(keys, "operator")
    history = f"/v1/trainees/{trainee_id}/consent-history"
    assert [
        h["share_with_firms"] for h in (await client.get(history, headers=operator)).json()
    ] == [True]
    erased = await client.delete(f"/v1/trainees/{trainee_id}/personal-details", headers=operator)
    assert erased.status_code == 204
    trainee = (await client.get(f"/v1/trainees/{trainee_id}", headers=operator)).json()
    assert trainee["consent_share_with_firms"] is False
    assert (await client.get(history, headers=operator)).json() == []
    given = await client.put(
        f"/v1/trainees/{trainee_id}/consent", headers=institute, json={"share_with_firms": True}
    )
    assert given.status_code == 409, given.text
    assert given.json()["errors"][0]["field"] == "share_with_firms"
    assert (await client.get(history, headers=operator)).json() == []
    assert await emitted(app, "consent-changed", trainee_id) == []
