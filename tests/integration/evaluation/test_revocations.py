"""Credentials revoked by hand and reinstated, and revocations racing re-decisions, on a
real database through the API."""

import asyncio
from datetime import UTC, datetime

import pytest

from tests.utils.evaluation import (
    certify,
    emitted,
    enroll,
    evidence,
    status_of,
)
from traintrack.evaluation.adapters.records import CredentialRepository
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork
from traintrack.evaluation.commands import RevokeCredential
from traintrack.platform.web.auth import Principal, Role

pytestmark = pytest.mark.integration


async def test_a_manual_revocation_stays_until_an_operator_reinstates_it(app, client, keys):
    who = await enroll(app)
    certified = await certify(app, client, keys, who)
    credential_id = certified["credential_id"]
    revoked = await client.post(
        f"/v1/credentials/{credential_id}/revocation",
        headers=keys["operator"],
        json={"reason": "plagiarism in the project report"},
    )
    assert revoked.status_code == 200
    # New evidence: a better presentation score. The credential stays revoked.
    await evidence(client, keys, who, "presentation", 4, 95)
    assert len(await emitted(app, who, "certified")) == 1
    assert await status_of(client, keys, credential_id) is True
    refused = await client.post(
        f"/v1/credentials/{credential_id}/reinstatement",
        headers=keys["institute"],
        json={"reason": "appeal upheld"},
    )
    assert refused.status_code == 403
    done = await client.post(
        f"/v1/credentials/{credential_id}/reinstatement",
        headers=keys["operator"],
        json={"reason": "appeal upheld"},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["revoked_at"], done.json()["reinstatement_reason"]) == (
        None,
        "appeal upheld",
    )
    [reinstated] = await emitted(app, who, "certification-reinstated", version=1)
    assert (reinstated["credential_id"], reinstated["reason"]) == (credential_id, "appeal upheld")
    credential = (
        await client.get(f"/v1/credentials/{credential_id}", headers=keys["operator"])
    ).json()["credential"]
    verdict = (await client.post("/v1/credentials/verify", json={"credential": credential})).json()
    assert verdict["valid"] is True
    assert await status_of(client, keys, credential_id) is False  # the bit is cleared
    again = await client.post(
        f"/v1/credentials/{credential_id}/reinstatement",
        headers=keys["operator"],
        json={"reason": "twice"},
    )
    assert again.status_code == 409
    audited = await app.state.pool.fetch(
        "SELECT action, detail FROM audit_log WHERE target = $1 AND action LIKE 'credential.%' "
        "ORDER BY audit_id",
        credential_id,
    )
    assert [(a["action"], a["detail"]["reason"]) for a in audited] == [
        ("credential.revoke", "plagiarism in the project report"),
        ("credential.reinstate", "appeal upheld"),
    ]
    assert audited[1]["detail"]["revoked_for"] == "plagiarism in the project report"


async def test_a_credential_whose_basis_broke_cannot_be_reinstated_by_hand(app, client, keys):
    who = await enroll(app)
    certified = await certify(app, client, keys, who)
    await evidence(client, keys, who, "module_test", 2, 41)
    response = await client.post(
        f"/v1/credentials/{certified['credential_id']}/reinstatement",
        headers=keys["operator"],
        json={"reason": "try"},
    )
    assert response.status_code == 409
    assert "revoked as its basis broke" in response.json()["detail"]
    # The score corrected back: the basis holds again and a new credential is issued.
    await evidence(client, keys, who, "module_test", 2, 71)
    assert len(await emitted(app, who, "certified")) == 2


async def test_revoking_by_hand_after_the_basis_broke_makes_it_final(app, client, keys):
    who = await enroll(app)
    certified = await certify(app, client, keys, who)
    credential_id = certified["credential_id"]
    await evidence(client, keys, who, "module_test", 2, 41)
    done = await client.post(
        f"/v1/credentials/{credential_id}/revocation",
        headers=keys["operator"],
        json={"reason": "the module test was copied"},
    )
    assert (done.json()["revocation_cause"], done.json()["revocation_reason"]) == (
        "manual",
        "the module test was copied",
    )
    # Firms heard of the revocation once, when the basis broke.
    assert [e["cause"] for e in await emitted(app, who, "certification-revoked")] == [
        "basis_withdrawn"
    ]
    await evidence(client, keys, who, "module_test", 2, 71)  # the basis holds again
    assert len(await emitted(app, who, "certified")) == 1
    assert await status_of(client, keys, credential_id) is True


OPERATOR = Principal(key_id="op-test", role=Role.OPERATOR, tenant="traintrack")


async def until_waiting_on_a_lock(pool):
    for _ in range(100):
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the corrected score never waited for the revocation")


async def test_a_revocation_by_hand_racing_a_broken_basis_stays_manual(app, client, keys):
    who = await enroll(app)
    credential_id = (await certify(app, client, keys, who))["credential_id"]
    async with app.state.pool.acquire() as operator:
        by_hand = operator.transaction()
        await by_hand.start()
        async with EvaluationUnitOfWork(connection=operator, signer=app.state.signer) as uow:
            await app.state.bus.handle_in(
                RevokeCredential(OPERATOR, credential_id, "plagiarism"), uow
            )
        # Meanwhile a corrected module test breaks the basis; it waits for the operator.
        corrected = asyncio.create_task(evidence(client, keys, who, "module_test", 2, 41))
        await until_waiting_on_a_lock(app.state.pool)
        await by_hand.commit()
        assert (await corrected)[2] == "failed"
    stored = await app.state.views.credential(credential_id)
    assert (stored["revocation_cause"], stored["revocation_reason"]) == ("manual", "plagiarism")
    assert [e["cause"] for e in await emitted(app, who, "certification-revoked")] == ["manual"]
    await evidence(client, keys, who, "module_test", 2, 71)  # every stage passes again
    assert len(await emitted(app, who, "certified")) == 1
    assert await status_of(client, keys, credential_id) is True


async def test_a_broken_basis_leaves_a_credential_revoked_by_hand_as_it_is(app, client, keys):
    who = await enroll(app)
    credential_id = (await certify(app, client, keys, who))["credential_id"]
    async with app.state.pool.acquire() as conn, conn.transaction():
        credentials = CredentialRepository(conn)
        await credentials.revoke_by_hand(credential_id, reason="plagiarism", at=datetime.now(UTC))
        changed = await credentials.revoke_for_basis(
            credential_id, reason="basis withdrawn: stage 2 is failed", at=datetime.now(UTC)
        )
    assert changed is False
    stored = await app.state.views.credential(credential_id)
    assert (stored["revocation_cause"], stored["revocation_reason"]) == ("manual", "plagiarism")
