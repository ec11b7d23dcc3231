"""The evaluation service on a real database: enrollment facts in through its consumer,
evidence and rubric assessments over its API, credentials out, verified independently."""

import pytest

from tests.utils.evaluation import (
    PROGRAMME,
    attendance,
    certify,
    emitted,
    enroll,
    evidence,
    feed,
    status_of,
    through_stage_3,
)
from traintrack.evaluation.domain.scheme import RUBRIC_CRITERIA

pytestmark = pytest.mark.integration


async def test_enrollment_facts_and_evidence_move_a_trainee_through_the_stages(app, client, keys):
    trainee = await enroll(app)
    assert await evidence(client, keys, trainee, "baseline_test", 1, 72) == {
        1: "passed",
        2: "waiting",
        3: "locked",
        4: "locked",
    }
    [passed] = await emitted(app, trainee, "stage-passed")
    assert passed["unlocks"] == ["practitioner_mentoring", "cloud_onboarding"]
    assert (passed["scheme_id"], passed["scheme_version"]) == ("kdt-4-stage", 1)


async def test_low_attendance_fails_stage_1_and_a_retry_can_pass(app, client, keys):
    trainee = await enroll(app, 0.75)
    assert (await evidence(client, keys, trainee, "baseline_test", 1, 90))[1] == "failed"
    await feed(app, attendance(trainee, 0.84))
    path = f"/v1/enrollments/{trainee.enrollment_id}/stages"
    stages = (await client.get(path, headers=keys["institute"])).json()
    assert stages["current"][0]["status"] == "passed"
    # The history keeps the failure, then the pass that attendance brought.
    assert [(d["stage"], d["status"], d["trigger"]) for d in stages["history"]] == [
        (1, "failed", "evidence"),
        (2, "locked", "evidence"),
        (3, "locked", "evidence"),
        (4, "locked", "evidence"),
        (1, "passed", "attendance"),
        (2, "waiting", "attendance"),
    ]


async def test_the_applied_project_waits_for_the_firm_side(app, client, keys):
    trainee = await enroll(app)
    await evidence(client, keys, trainee, "baseline_test", 1, 72)
    await evidence(client, keys, trainee, "module_test", 2, 78)
    await evidence(client, keys, trainee, "mini_project", 2, 74)
    stages = await evidence(client, keys, trainee, "participation", 3, 88)
    assert stages[3] == "waiting"
    [enrollment] = (
        await client.get(f"/v1/trainees/{trainee.trainee_id}/stages", headers=keys["institute"])
    ).json()
    assert enrollment["enrollment_id"] == trainee.enrollment_id
    assert enrollment["current"][2]["missing"] == ["rubric:firm", "rubric:institute"]


async def test_a_correction_that_breaks_the_basis_revokes_the_credential_at_once(app, client, keys):
    trainee = await enroll(app)
    certified = await certify(app, client, keys, trainee)
    stages = await evidence(client, keys, trainee, "module_test", 2, 41)  # corrected score
    assert stages == {1: "passed", 2: "failed", 3: "locked", 4: "locked"}
    [revoked] = await emitted(app, trainee, "certification-revoked")
    assert revoked["credential_id"] == certified["credential_id"]
    assert (revoked["cause"], revoked["reason"]) == (
        "basis_withdrawn",
        "basis withdrawn: stage 2 is failed",
    )
    assert await status_of(client, keys, certified["credential_id"]) is True
    credential = (
        await client.get(f"/v1/credentials/{certified['credential_id']}", headers=keys["operator"])
    ).json()["credential"]
    verdict = (await client.post("/v1/credentials/verify", json={"credential": credential})).json()
    assert verdict["valid"] is False and verdict["reason"].startswith("revoked")
    withdrawn = await emitted(app, trainee, "stage-pass-withdrawn")
    assert [e["stage"] for e in withdrawn] == [2, 3, 4]
    # Firms hear the revocation first, then the withdrawals that caused it.
    assert revoked["_id"] < min(e["_id"] for e in withdrawn)


async def test_an_operator_revokes_a_credential_by_hand(app, client, keys):
    trainee = await enroll(app)
    certified = await certify(app, client, keys, trainee)
    path = f"/v1/credentials/{certified['credential_id']}/revocation"
    refused = await client.post(path, headers=keys["institute"], json={"reason": "fraud"})
    assert refused.status_code == 403
    done = await client.post(path, headers=keys["operator"], json={"reason": "plagiarism"})
    assert (done.json()["revocation_reason"], done.json()["revocation_cause"]) == (
        "plagiarism",
        "manual",
    )
    [revoked] = await emitted(app, trainee, "certification-revoked")
    assert (revoked["cause"], revoked["reason"]) == ("manual", "plagiarism")


async def test_an_operator_publishes_a_new_scheme_version_and_assigns_it(app, client, keys):
    current = (await client.get("/v1/schemes/kdt-4-stage", headers=keys["operator"])).json()
    stricter = [
        {
            **s,
            "requirements": [
                {**r, "minimum": 65} if r["evidence"] == "baseline_test" else r
                for r in s["requirements"]
            ],
        }
        for s in current["stages"]
    ]
    published = await client.post(
        "/v1/schemes",
        headers=keys["operator"],
        json={"scheme_id": "kdt-4-stage", "stages": stricter},
    )
    assert published.status_code == 201, published.text
    version = published.json()["version"]
    assert version == current["version"] + 1
    assigned = await client.put(
        f"/v1/programmes/{PROGRAMME}-strict/scheme",
        headers=keys["operator"],
        json={"scheme_id": "kdt-4-stage", "version": version},
    )
    assert assigned.status_code == 200
    refused = await client.post(
        "/v1/schemes",
        headers=keys["institute"],
        json={"scheme_id": "kdt-4-stage", "stages": stricter},
    )
    assert refused.status_code == 403


async def test_a_scheme_with_unknown_evidence_is_refused_naming_the_field(client, keys):
    response = await client.post(
        "/v1/schemes",
        headers=keys["operator"],
        json={
            "scheme_id": "odd",
            "stages": [
                {
                    "number": 1,
                    "name": "x",
                    "max_attempts": 1,
                    "requirements": [{"evidence": "iq", "minimum": 50}],
                }
            ],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "requirements"


async def test_assessors_score_only_their_own_projects_and_trainees(app, client, keys):
    trainee = await enroll(app)
    project = await through_stage_3(client, keys, trainee)
    body = {"trainee_id": trainee.trainee_id, "scores": dict.fromkeys(RUBRIC_CRITERIA, 90)}
    for who in ("other_firm", "other_institute"):
        response = await client.post(
            f"/v1/projects/{project}/assessments", headers=keys[who], json=body
        )
        assert response.status_code == 404, who
    foreign = await client.post(
        "/v1/evidence",
        headers=keys["other_institute"],
        json={
            "enrollment_id": trainee.enrollment_id,
            "evidence": "baseline_test",
            "stage": 1,
            "value": 99,
        },
    )
    assert foreign.status_code == 404
    firm_test = await client.post(
        "/v1/evidence",
        headers=keys["firm"],
        json={
            "enrollment_id": trainee.enrollment_id,
            "evidence": "baseline_test",
            "stage": 1,
            "value": 99,
        },
    )
    assert firm_test.status_code == 403
    outsider = await client.get(
        f"/v1/trainees/{trainee.trainee_id}/stages", headers=keys["other_firm"]
    )
    assert outsider.status_code == 404
    by_enrollment = f"/v1/enrollments/{trainee.enrollment_id}/stages"
    for who in ("other_firm", "other_institute"):
        assert (await client.get(by_enrollment, headers=keys[who])).status_code == 404, who
    for who in ("firm", "institute", "operator"):
        assert (await client.get(by_enrollment, headers=keys[who])).status_code == 200, who


async def test_out_of_range_numbers_are_refused_not_a_server_error(client, keys):
    # Found by schemathesis: an int beyond PostgreSQL's integer used to reach the query.
    response = await client.get(
        "/v1/schemes/kdt-4-stage?version=99999999999", headers=keys["operator"]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version"
    assigned = await client.put(
        "/v1/programmes/p/scheme",
        headers=keys["operator"],
        json={"scheme_id": "kdt-4-stage", "version": 36964482321939},
    )
    assert assigned.status_code == 422
