"""Evaluation per enrollment on a real database, through its consumer and API: a trainee
in two courses or two programmes, endings, evidence and assessments naming the enrollment,
the history kept, concurrent evidence, and ids the store cannot hold."""

import asyncio
import uuid
from datetime import date

import pytest

from tests.utils import factories
from tests.utils.evaluation import (
    COHORT,
    PROGRAMME,
    Enrolled,
    attendance,
    certify,
    completed,
    emitted,
    enroll,
    enrolled_event,
    evidence,
    feed,
    feed_run,
    open_cohort,
    stages_of,
    status_of,
    through_stage_3,
)
from traintrack.contracts import enrollment as facts
from traintrack.evaluation.domain.scheme import RUBRIC_CRITERIA

pytestmark = pytest.mark.integration


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
    assert await status_of(client, keys, certified["credential_id"]) is False
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


@pytest.mark.parametrize(
    ("rate", "stage_1"),
    [(0.80, "passed"), (0.79, "failed")],  # stage 1 needs attendance of at least 80 %
)
async def test_attendance_that_overtakes_its_enrollment_counts_once_it_is_known(
    app, client, keys, rate, stage_1
):
    """Attendance has a topic of its own: its reader can get a day before the enrollment."""
    await open_cohort(app)
    who = Enrolled(factories.trainee_id(), f"en-{uuid.uuid4().hex[:10]}", COHORT)
    await feed(app, attendance(who, rate))
    await feed(app, enrolled_event(who))
    decided = await evidence(client, keys, who, "baseline_test", 1, 90)
    assert decided[1] == stage_1


async def test_a_run_of_attendance_days_is_applied_in_order_and_decides_again(app, client, keys):
    tested, quiet = await enroll(app, 0.75), await enroll(app, 0.75)
    assert (await evidence(client, keys, tested, "baseline_test", 1, 90))[1] == "failed"
    early = Enrolled(factories.trainee_id(), f"en-{uuid.uuid4().hex[:10]}", COHORT)
    await feed_run(
        app,
        attendance(tested, 0.79, date(2026, 9, 28)),
        attendance(quiet, 0.95, date(2026, 9, 28)),
        attendance(early, 0.81, date(2026, 9, 28)),  # before its enrollment
        attendance(tested, 0.80, date(2026, 9, 29)),  # the later day wins: 80 % passes
    )
    assert (await stages_of(client, keys, tested))["current"][0]["status"] == "passed"
    assert await emitted(app, tested, "stage-passed") != []
    assert await emitted(app, quiet, "stage-passed") == []
    await feed(app, enrolled_event(early))
    assert (await evidence(client, keys, early, "baseline_test", 1, 90))[1] == "passed"


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
    assert await status_of(client, keys, one["credential_id"]) is False
    assert await status_of(client, keys, two["credential_id"]) is False


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
    assert await status_of(client, keys, certified["credential_id"]) is False


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
