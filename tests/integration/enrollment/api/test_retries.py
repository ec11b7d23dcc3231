"""Every kind of write retried with its Idempotency-Key: the first answer again (marked
replayed), nothing done twice; the key with another body is refused. And writes that say
again what is recorded change nothing, key or not."""

import pytest

from tests.integration.enrollment.api.helpers import MARCH, as_, attendance, emitted, enrolled

pytestmark = pytest.mark.integration


async def outbox_of(app, trainee_id):
    return await app.state.pool.fetchval(
        "SELECT count(*) FROM outbox WHERE partition_key = $1", trainee_id
    )


async def retried(client, method, url, *, who, key, **sent):
    """The request twice with one key: both answers, the second replayed."""
    headers = {**sent.pop("headers", {}), **as_(client.keys, who), "Idempotency-Key": key}
    first = await client.request(method, url, headers=headers, **sent)
    again = await client.request(method, url, headers=headers, **sent)
    assert first.status_code < 300, first.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.status_code == first.status_code
    assert (again.json() if again.content else None) == (first.json() if first.content else None)
    return first


@pytest.fixture
def keyed(client, keys):
    client.keys = keys
    return client


async def test_a_retried_attendance_day_is_answered_once_and_announced_once(app, keyed):
    enrollment = await enrolled(keyed, keyed.keys)
    day = attendance(enrollment, MARCH[0])
    first = await retried(keyed, "POST", "/v1/attendance", who="institute", key="d1", json=day)
    assert first.status_code == 201
    assert len(await emitted(app, "attendance-recorded", enrollment["trainee_id"])) == 1
    other = attendance(enrollment, MARCH[0], "absent")
    refused = await keyed.post(
        "/v1/attendance",
        json=other,
        headers=as_(keyed.keys, "institute") | {"Idempotency-Key": "d1"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert len(await emitted(app, "attendance-recorded", enrollment["trainee_id"])) == 1


async def test_a_day_sent_again_without_a_key_is_kept_once_and_a_new_status_is_news(
    app, client, keys
):
    enrollment = await enrolled(client, keys)
    institute = as_(keys, "institute")
    for status in ("present", "present", "late", "late"):
        answer = await client.post(
            "/v1/attendance", json=attendance(enrollment, MARCH[1], status), headers=institute
        )
        assert answer.status_code == 201, answer.text
    recorded = await emitted(app, "attendance-recorded", enrollment["trainee_id"])
    assert [r["status"] for r in recorded] == ["present", "late"]


async def test_a_survey_sent_again_is_announced_once(app, client, keys):
    enrollment = await enrolled(client, keys)
    survey = {
        "trainee_id": enrollment["trainee_id"],
        "enrollment_id": enrollment["enrollment_id"],
        "score": 88,
        "submitted_on": "2026-04-10",
    }
    for _ in "12":
        answer = await client.post("/v1/surveys", json=survey, headers=as_(keys, "institute"))
        assert answer.status_code == 201
    assert [
        e["score"] for e in await emitted(app, "survey-submitted", enrollment["trainee_id"])
    ] == [88]


async def test_a_retried_consent_change_survey_and_drop_out_act_once(app, keyed):
    enrollment = await enrolled(keyed, keyed.keys)
    trainee_id, ids = (
        enrollment["trainee_id"],
        {
            "trainee_id": enrollment["trainee_id"],
            "enrollment_id": enrollment["enrollment_id"],
        },
    )
    before = await outbox_of(app, trainee_id)
    consent = await retried(
        keyed, "PUT", f"/v1/trainees/{trainee_id}/consent", who="institute", key="c1",
        json={"share_with_firms": False},
    )  # fmt: skip
    assert consent.json()["consent_share_with_firms"] is False
    survey = {**ids, "score": 70, "submitted_on": "2026-04-10"}
    await retried(keyed, "POST", "/v1/surveys", who="institute", key="s1", json=survey)
    drop = {**ids, "dropped_on": "2026-04-11", "reason": "health"}
    dropped = await retried(keyed, "POST", "/v1/drop-outs", who="institute", key="x1", json=drop)
    assert dropped.json()["status"] == "dropped"
    assert await outbox_of(app, trainee_id) == before + 3  # one event each


async def test_a_retried_erasure_answers_no_content_again(app, keyed):
    enrollment = await enrolled(keyed, keyed.keys)
    url = f"/v1/trainees/{enrollment['trainee_id']}/personal-details"
    first = await retried(keyed, "DELETE", url, who="operator", key="e1")
    assert first.status_code == 204 and first.content == b""
    audited = await app.state.pool.fetch(
        "SELECT outcome FROM audit_log WHERE target = $1 ORDER BY audit_id", url
    )
    # The erasure's row went in with it; the replay is recorded like any operator request.
    assert [r["outcome"] for r in audited] == [204, 204]


async def test_a_retried_csv_import_reports_the_first_import(app, keyed):
    enrollment = await enrolled(keyed, keyed.keys)
    rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"]
    rows += [f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{MARCH[2]},present,09:00,"]
    first = await retried(
        keyed, "POST", "/v1/imports/attendance", who="institute", key="i1",
        content="\n".join(rows), headers={"content-type": "text/csv"},
    )  # fmt: skip
    assert first.json()["accepted"] == 1
    assert len(await emitted(app, "attendance-recorded", enrollment["trainee_id"])) == 1


async def xmin(app, query, *args):
    """The transaction that wrote the row (PostgreSQL's xmin)."""
    return await app.state.pool.fetchval(f"SELECT xmin::text FROM {query}", *args)


async def test_an_operators_change_and_its_audit_row_are_written_by_one_transaction(app, keyed):
    body = {"institute_id": "inst-audit-tx", "name": "감사 훈련원", "region_code": "30"}
    made = await keyed.post("/v1/institutes", json=body, headers=as_(keyed.keys, "operator"))
    assert made.status_code == 201, made.text
    effect = await xmin(app, "institutes WHERE institute_id = $1", "inst-audit-tx")
    audited = await xmin(app, "audit_log WHERE action = $1 ORDER BY audit_id DESC LIMIT 1",
                         "POST /v1/institutes")  # fmt: skip
    assert effect == audited
    # Keyed: the effect, the kept answer and the audit row, one transaction again.
    enrollment = await enrolled(keyed, keyed.keys)
    url = f"/v1/trainees/{enrollment['trainee_id']}/personal-details"
    headers = as_(keyed.keys, "operator") | {"Idempotency-Key": "tx-1"}
    assert (await keyed.delete(url, headers=headers)).status_code == 204
    erased = await xmin(app, "trainees WHERE trainee_id = $1", enrollment["trainee_id"])
    kept = await xmin(app, "idempotency_keys WHERE key = $1", "tx-1")
    audit_row = await xmin(app, "audit_log WHERE target = $1", url)
    assert erased == kept == audit_row
