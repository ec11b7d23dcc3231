"""An operator's read of a trainee's personal details is in the audit log (who, what,
about whom, with what outcome); the trainee's own institute reading them, and operators'
reads of nothing personal, are not."""

import pytest

from tests.integration.enrollment.api.helpers import as_, register

pytestmark = pytest.mark.integration


async def reads(client, keys):
    log = (await client.get("/v1/audit", headers=as_(keys, "operator"))).json()
    return [e for e in log if e["action"].startswith("read ")]


async def test_an_operators_read_of_a_trainee_is_audited_with_who_what_and_whom(client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    before = await reads(client, keys)
    shown = await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "operator"))
    assert shown.status_code == 200 and shown.json()["name"]
    [entry, *earlier] = await reads(client, keys)
    assert earlier == before
    assert (entry["action"], entry["target"], entry["outcome"]) == (
        "read trainee",
        trainee_id,
        200,
    )
    assert (entry["role"], entry["tenant"]) == ("operator", "platform")
    assert entry["key_id"] == keys["operator"].split("_", 2)[1]
    assert entry["detail"]["path"] == f"/v1/trainees/{trainee_id}"


async def test_an_operators_read_of_a_consent_history_and_of_a_missing_trainee_are_audited(
    client, keys
):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    operator = as_(keys, "operator")
    await client.get(f"/v1/trainees/{trainee_id}/consent-history", headers=operator)
    missing = await client.get("/v1/trainees/tr-nobody", headers=operator)
    assert missing.status_code == 404
    [nobody, history, *_] = await reads(client, keys)
    assert (history["action"], history["target"], history["outcome"]) == (
        "read consent history",
        trainee_id,
        200,
    )
    assert (nobody["action"], nobody["target"], nobody["outcome"]) == (
        "read trainee",
        "tr-nobody",
        404,
    )


async def test_the_institutes_own_reads_and_non_personal_reads_are_not_audited(client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    before = await reads(client, keys)
    own = await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "institute"))
    assert own.status_code == 200
    assert (await client.get("/v1/cohorts", headers=as_(keys, "operator"))).status_code == 200
    assert (await client.get("/v1/institutes", headers=as_(keys, "operator"))).status_code == 200
    assert await reads(client, keys) == before
    log = (await client.get("/v1/audit", headers=as_(keys, "operator"))).json()
    assert not [e for e in log if e["action"].startswith("GET ")]  # only the seeding's POSTs
