"""Evidence retried: with its Idempotency-Key the first answer comes back (the decisions
the evidence brought, read in its own transaction); sent again without one it changes
nothing and announces nothing."""

import pytest

from tests.utils.evaluation import emitted, enroll

pytestmark = pytest.mark.integration


def baseline(trainee, value=72):
    return {
        "enrollment_id": trainee.enrollment_id,
        "evidence": "baseline_test",
        "stage": 1,
        "value": value,
    }


async def test_keyed_evidence_answers_what_it_decided_and_a_retry_gets_that_again(
    app, client, keys
):
    trainee = await enroll(app)
    headers = keys["institute"] | {"Idempotency-Key": f"ev-{trainee.enrollment_id}"}
    first = await client.post("/v1/evidence", headers=headers, json=baseline(trainee))
    assert first.status_code == 201, first.text
    # The answer reads the decisions the evidence made, before they were committed.
    assert {d["stage"]: d["status"] for d in first.json()}[1] == "passed"
    again = await client.post("/v1/evidence", headers=headers, json=baseline(trainee))
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(await emitted(app, trainee, "assessment-recorded")) == 1
    assert len(await emitted(app, trainee, "stage-passed")) == 1
    other = await client.post("/v1/evidence", headers=headers, json=baseline(trainee, 80))
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_the_same_evidence_again_without_a_key_is_no_news(app, client, keys):
    trainee = await enroll(app)
    answers = [
        await client.post("/v1/evidence", headers=keys["institute"], json=baseline(trainee))
        for _ in "12"
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert len(await emitted(app, trainee, "assessment-recorded")) == 1
    changed = await client.post(
        "/v1/evidence", headers=keys["institute"], json=baseline(trainee, 40)
    )
    assert changed.status_code == 201
    assert [e["value"] for e in await emitted(app, trainee, "assessment-recorded")] == [72, 40]
