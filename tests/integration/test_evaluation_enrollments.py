"""Evaluation per enrollment on a real database, through its consumer and API: a trainee
in two courses, a lifecycle with not-completed, manual revocation and reinstatement,
scheme versions pinned per cohort and moved by an operator."""

import asyncio
from datetime import UTC, date, datetime

import pytest

from tests.utils.apps import client_of
from tests.utils.evaluation import (
    PROGRAMME,
    attendance,
    certify,
    completed,
    emitted,
    enroll,
    evaluation_app,
    evidence,
    feed,
    through_stage_3,
)
from traintrack.contracts import enrollment as facts
from traintrack.evaluation.adapters.records import CredentialRepository
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork
from traintrack.evaluation.commands import RevokeCredential
from traintrack.evaluation.domain.scheme import RUBRIC_CRITERIA
from traintrack.platform.web.auth import Principal, Role

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def app(platform, keys, tmp_path_factory):
    app = await evaluation_app(platform, keys, tmp_path_factory)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "evaluation") as client:
        yield client


async def stages_of(client, keys, who, by="operator"):
    response = await client.get(f"/v1/enrollments/{who.enrollment_id}/stages", headers=keys[by])
    assert response.status_code == 200, response.text
    return response.json()


async def status_of(client, credential_id):
    return (await client.get(f"/v1/credentials/{credential_id}/status")).json()["revoked"]


async def test_a_graduate_in_a_second_course_keeps_the_first_credential(app, client, keys):
    first = await enroll(app)
    certified = await certify(app, client, keys, first)
    # One attendance day of the second course, absent: 0 % so far.
    second = await enroll(
        app, 0.0, cohort_id="kdt-data-2027-1", programme_id="kdt-data", trainee_id=first.trainee_id
    )
    assert await evidence(client, keys, second, "baseline_test", 1, 90) == {
        1: "failed",
        2: "locked",
        3: "locked",
        4: "locked",
    }
    assert await status_of(client, certified["credential_id"]) is False
    assert await emitted(app, first, "certification-revoked") == []
    assert [d["status"] for d in (await stages_of(client, keys, first))["current"]] == [
        "passed",
        "passed",
        "passed",
        "passed",
    ]
    both = (
        await client.get(f"/v1/trainees/{first.trainee_id}/stages", headers=keys["operator"])
    ).json()
    assert [(e["enrollment_id"], e["programme_id"]) for e in both] == [
        (first.enrollment_id, PROGRAMME),
        (second.enrollment_id, "kdt-data"),
    ]
    assert [c["credential_id"] for c in both[0]["credentials"]] == [certified["credential_id"]]
    assert both[1]["credentials"] == []


async def test_a_trainee_holds_credentials_of_two_programmes(app, client, keys):
    first = await enroll(app)
    second = await enroll(
        app, cohort_id="kdt-cloud-2027-1", programme_id="kdt-cloud", trainee_id=first.trainee_id
    )
    one = await certify(app, client, keys, first)
    two = await certify(app, client, keys, second, programme_id="kdt-cloud")
    assert (one["programme_id"], two["programme_id"]) == (PROGRAMME, "kdt-cloud")
    assert (one["enrollment_id"], two["enrollment_id"]) == (
        first.enrollment_id,
        second.enrollment_id,
    )
    assert await status_of(client, one["credential_id"]) is False
    assert await status_of(client, two["credential_id"]) is False


async def test_an_enrollment_not_completed_fails_stage_4(app, client, keys):
    who = await enroll(app)
    await through_stage_3(client, keys, who)
    await evidence(client, keys, who, "presentation", 4, 86)
    await evidence(client, keys, who, "interview", 4, 1, by="firm")
    await feed(
        app,
        facts.EnrollmentNotCompleted(
            trainee_id=who.trainee_id,
            enrollment_id=who.enrollment_id,
            cohort_id=who.cohort_id,
            ended_on=date(2027, 2, 26),
            attendance_rate=0.8,
            decided_on=date(2027, 3, 5),
        ),
    )
    stages = await stages_of(client, keys, who)
    assert stages["ending"] == "not_completed"
    assert [d["status"] for d in stages["current"]] == ["passed", "passed", "passed", "failed"]
    assert stages["current"][3]["shortfalls"] == ["course_completed"]
    assert stages["history"][-1]["trigger"] == "not_completed"
    assert await emitted(app, who, "certified") == []


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
    assert await status_of(client, credential_id) is True
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


async def test_evidence_must_name_an_enrollment_of_the_trainee_given(app, client, keys):
    who = await enroll(app)
    other = await enroll(app)
    body = {"evidence": "baseline_test", "stage": 1, "value": 70}
    missing = await client.post("/v1/evidence", headers=keys["institute"], json=body)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "enrollment_id"
    mismatch = await client.post(
        "/v1/evidence",
        headers=keys["institute"],
        json={**body, "enrollment_id": who.enrollment_id, "trainee_id": other.trainee_id},
    )
    assert mismatch.status_code == 422
    assert mismatch.json()["errors"][0]["field"] == "trainee_id"


async def test_a_member_in_two_cohorts_of_the_programme_is_assessed_in_the_one_named(
    app, client, keys
):
    first = await enroll(app, cohort_id="kdt-ai-2026-3")
    second = await enroll(app, cohort_id="kdt-ai-2027-1", trainee_id=first.trainee_id)
    project = f"proj-two-{first.trainee_id}"
    team = {"programme_id": PROGRAMME, "firm_id": "firm-a", "team": [first.trainee_id]}
    created = await client.post(
        "/v1/projects",
        headers=keys["institute"],
        json={"project_id": project, "title": "재수강 팀", **team},
    )
    assert created.status_code == 201, created.text
    elsewhere = await client.post(
        "/v1/projects",
        headers=keys["institute"],
        json={**team, "project_id": f"x-{project}", "title": "x", "programme_id": "kdt-none"},
    )
    assert (elsewhere.status_code, elsewhere.json()["errors"][0]["field"]) == (422, "team")
    scores = {"trainee_id": first.trainee_id, "scores": dict.fromkeys(RUBRIC_CRITERIA, 80)}
    path = f"/v1/projects/{project}/assessments"
    ambiguous = await client.post(path, headers=keys["institute"], json=scores)
    assert (ambiguous.status_code, ambiguous.json()["errors"][0]["field"]) == (
        422,
        "enrollment_id",
    )
    named = await client.post(
        path,
        headers=keys["institute"],
        json={**scores, "enrollment_id": second.enrollment_id},
    )
    assert named.status_code == 201, named.text
    [recorded] = await emitted(app, second, "assessment-recorded")
    assert (recorded["evidence"], recorded["stage"], recorded["value"]) == ("rubric", 3, 80.0)
    assert await emitted(app, first, "assessment-recorded") == []


async def test_a_cohort_keeps_its_version_and_an_operator_moves_it(app, client, keys):
    programme = "kdt-pinned"
    running = await enroll(app, cohort_id="kdt-pinned-2026-1", programme_id=programme)
    assert (await evidence(client, keys, running, "baseline_test", 1, 70))[1] == "passed"
    current = (await client.get("/v1/schemes/kdt-4-stage", headers=keys["operator"])).json()
    stricter = [
        {
            **s,
            "requirements": [
                {**r, "minimum": 75} if r["evidence"] == "baseline_test" else r
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
    version = published.json()["version"]
    assigned = await client.put(
        f"/v1/programmes/{programme}/scheme",
        headers=keys["operator"],
        json={"scheme_id": "kdt-4-stage", "version": version},
    )
    assert assigned.status_code == 200
    # The running cohort keeps v1: new evidence is still decided under it.
    await feed(app, attendance(running, 0.9))
    assert (await evidence(client, keys, running, "module_test", 2, 80))[1] == "passed"
    assert {d["scheme_version"] for d in (await stages_of(client, keys, running))["current"]} == {1}
    # A cohort opened after the assignment is pinned to the new version.
    later = await enroll(app, cohort_id="kdt-pinned-2027-1", programme_id=programme)
    assert (await evidence(client, keys, later, "baseline_test", 1, 70))[1] == "failed"
    # The operator moves the running cohort: every enrollment re-decided, audited.
    path = "/v1/cohorts/kdt-pinned-2026-1/scheme"
    body = {"scheme_id": "kdt-4-stage", "version": version}
    assert (await client.put(path, headers=keys["institute"], json=body)).status_code == 403
    moved = await client.put(path, headers=keys["operator"], json=body)
    assert moved.status_code == 200, moved.text
    assert moved.json()["re_decided"] == 1
    stages = await stages_of(client, keys, running)
    assert [(d["status"], d["scheme_version"]) for d in stages["current"]] == [
        ("failed", version),
        ("locked", version),
        ("locked", version),
        ("locked", version),
    ]
    assert {d["trigger"] for d in stages["history"] if d["scheme_version"] == version} == {
        "scheme_move"
    }
    assert any(d["scheme_version"] == 1 for d in stages["history"])  # the past is kept
    [withdrawn_1, *_] = await emitted(app, running, "stage-pass-withdrawn")
    assert (withdrawn_1["stage"], withdrawn_1["scheme_version"]) == (1, version)
    [audited] = await app.state.pool.fetch(
        "SELECT detail FROM audit_log WHERE action = 'cohort.scheme.move'"
    )
    assert audited["detail"] == {
        "from": {"scheme_id": "kdt-4-stage", "version": 1},
        "to": {"scheme_id": "kdt-4-stage", "version": version},
        "enrollments": 1,
    }
    unknown = await client.put("/v1/cohorts/nope/scheme", headers=keys["operator"], json=body)
    assert unknown.status_code == 404
    no_version = await client.put(
        path, headers=keys["operator"], json={"scheme_id": "kdt-4-stage", "version": 999}
    )
    assert no_version.status_code == 404


async def test_the_history_is_append_only_in_the_database(app, client, keys):
    who = await enroll(app)
    await evidence(client, keys, who, "baseline_test", 1, 72)
    with pytest.raises(Exception, match="append-only"):
        await app.state.pool.execute(
            "UPDATE stage_decisions SET status = 'passed' WHERE enrollment_id = $1",
            who.enrollment_id,
        )


async def test_concurrent_evidence_certifies_an_enrollment_once(app, client, keys):
    who = await enroll(app)
    await through_stage_3(client, keys, who)
    await evidence(client, keys, who, "presentation", 4, 86)
    await feed(app, completed(who))
    body = {"enrollment_id": who.enrollment_id, "evidence": "interview", "stage": 4, "value": 1}
    answers = await asyncio.gather(
        *(client.post("/v1/evidence", headers=keys["firm"], json=body) for _ in range(6))
    )
    assert [a.status_code for a in answers] == [201] * 6
    assert len(await emitted(app, who, "certified")) == 1
    assert len(await emitted(app, who, "stage-passed")) == 4


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
    assert await status_of(client, credential_id) is True


async def test_attendance_arriving_after_the_ending_keeps_the_final_rate(app, client, keys):
    who = await enroll(app)
    certified = await certify(app, client, keys, who)  # completed at 91 %
    # A late day of the ended course (the rate it would bring is below 80 %).
    await feed(app, attendance(who, 0.5, day=date(2027, 3, 2)))
    rate = await app.state.pool.fetchval(
        "SELECT attendance_rate FROM enrollments WHERE enrollment_id = $1", who.enrollment_id
    )
    assert rate == 0.91
    stages = await stages_of(client, keys, who)
    assert [d["status"] for d in stages["current"]] == ["passed", "passed", "passed", "passed"]
    assert await emitted(app, who, "stage-pass-withdrawn") == []
    assert await status_of(client, certified["credential_id"]) is False


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
    assert await status_of(client, credential_id) is True


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


SCHEME = {"scheme_id": "kdt-4-stage", "version": 1}
ASSESSMENT = {"trainee_id": "tr-x", "scores": dict.fromkeys(RUBRIC_CRITERIA, 80)}


@pytest.mark.parametrize(
    ("method", "path", "body", "by", "field"),
    [
        ("GET", "/v1/enrollments/%00/stages", None, "operator", "enrollment_id"),
        ("GET", "/v1/trainees/a%00b/stages", None, "operator", "trainee_id"),
        ("PUT", "/v1/cohorts/%00/scheme", SCHEME, "operator", "cohort_id"),
        ("PUT", "/v1/programmes/a%00b/scheme", SCHEME, "operator", "programme_id"),
        ("GET", "/v1/schemes/a%00b", None, "operator", "scheme_id"),
        ("POST", "/v1/projects/a%00b/assessments", ASSESSMENT, "institute", "project_id"),
        ("GET", "/v1/credentials/a%00b", None, "operator", "credential_id"),
        ("GET", "/v1/credentials/a%00b/status", None, "operator", "credential_id"),
        (
            "POST",
            "/v1/credentials/a%00b/revocation",
            {"reason": "x" * 5},
            "operator",
            "credential_id",
        ),
        (
            "POST",
            "/v1/credentials/%00/reinstatement",
            {"reason": "x" * 5},
            "operator",
            "credential_id",
        ),
        ("GET", "/v1/credentials/a%01b", None, "operator", "credential_id"),
        ("GET", f"/v1/enrollments/{'e' * 65}/stages", None, "operator", "enrollment_id"),
    ],
)
async def test_an_id_the_store_cannot_hold_gets_a_problem_naming_it(
    app, client, keys, method, path, body, by, field
):
    response = await client.request(method, path, headers=keys[by], json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    if method != "GET" and by == "operator":  # an operator's refused change is audited too
        outcome = await app.state.pool.fetchval(
            "SELECT outcome FROM audit_log WHERE target = $1", path
        )
        assert outcome == 422
