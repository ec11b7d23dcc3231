import asyncio
import json
from datetime import timedelta

import httpx
import pytest

from tests.utils import catalogue, factories
from tests.utils.keys import STANDARD, write_keyring
from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.settings import EnrollmentSettings

pytestmark = pytest.mark.integration

COHORT, OTHER_COHORT, SMALL_COHORT = "a-2026-1", "b-2026-1", "a-small-2026-1"
SURVEY_COHORT = "a-survey-2026-1"
MARCH = [
    d
    for d in (catalogue.STARTS + timedelta(n) for n in range(30))
    if d.month == 3 and d.weekday() < 5
]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    return write_keyring(path, STANDARD) | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    settings = EnrollmentSettings(
        database_url=await platform.fresh_database("enrollment"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://enrollment"
        ) as client:
            for institute, cohort, capacity in (
                ("inst-a", COHORT, 30),
                ("inst-a", SMALL_COHORT, 2),
                ("inst-a", SURVEY_COHORT, 30),
                ("inst-b", OTHER_COHORT, 30),
            ):
                who = "institute" if institute == "inst-a" else "other_institute"
                await catalogue.seed(
                    client,
                    operator_key=keys["operator"],
                    institute_key=keys[who],
                    institute_id=institute,
                    cohort_id=cohort,
                    capacity=capacity,
                )
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


async def enrolled(client, keys, cohort=COHORT, admit=True):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    response = await client.post(
        "/v1/enrollments",
        headers=as_(keys, "institute"),
        json={
            "trainee_id": trainee_id,
            "cohort_id": cohort,
            "applied_on": "2026-02-20",
            "admit": admit,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def emitted(app, event_type, key):
    rows = await app.state.pool.fetch(
        "SELECT data FROM outbox WHERE event_type = $1 AND partition_key = $2 ORDER BY id",
        f"traintrack.enrollment.{event_type}.v1",
        key,
    )
    return [r["data"] for r in rows]


def attendance(enrollment, day, status="present", **times):
    if status in ("present", "late"):
        times.setdefault("check_in", "09:00")
    return {
        "trainee_id": enrollment["trainee_id"],
        "enrollment_id": enrollment["enrollment_id"],
        "day": day.isoformat(),
        "status": status,
        **times,
    }


# ---------------------------------------------------------------- trainees


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


# ---------------------------------------------------------------- enrollments


async def test_an_institute_enrolls_its_trainee_once_per_cohort(app, client, keys):
    enrollment = await enrolled(client, keys)
    assert enrollment["status"] == "enrolled"
    again = await client.post(
        "/v1/enrollments",
        headers=as_(keys, "institute"),
        json={
            "trainee_id": enrollment["trainee_id"],
            "cohort_id": COHORT,
            "applied_on": "2026-02-21",
        },
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "cohort_id"
    assert len(await emitted(app, "trainee-enrolled", enrollment["trainee_id"])) == 1


async def test_the_enrollment_event_carries_the_trainees_status_when_enrolling(app, client, keys):
    worker = (await register(client, keys, status="employed_worker")).json()["trainee_id"]
    seeker = (await register(client, keys, status="job_seeker")).json()["trainee_id"]
    for trainee_id, admit in ((worker, True), (seeker, False)):
        response = await client.post(
            "/v1/enrollments",
            headers=as_(keys, "institute"),
            json={
                "trainee_id": trainee_id,
                "cohort_id": SURVEY_COHORT,
                "applied_on": "2026-02-20",
                "admit": admit,
            },
        )
        assert response.status_code == 201
    admitted = await client.post(
        f"/v1/enrollments/{response.json()['enrollment_id']}/admit",
        headers=as_(keys, "institute"),
        json={"enrolled_on": "2026-03-03"},
    )
    assert admitted.status_code == 200
    [by_apply] = await emitted(app, "trainee-enrolled", worker)
    [by_admit] = await emitted(app, "trainee-enrolled", seeker)
    assert (by_apply["trainee_status"], by_admit["trainee_status"]) == (
        "employed_worker",
        "job_seeker",
    )


async def test_a_programme_declares_what_it_counts_with_employment_and_its_cohorts_carry_it(
    app, client, keys
):
    programme = {
        "programme_id": "a-startup-prog",
        "name": "창업 연계 AI 과정",
        "track": "k_digital_credit",
        "field": "AI",
        "hours": 80,
        "capacity": 20,
        "project_work_share": 0.2,
    }
    made = await client.post(
        "/v1/programmes",
        headers=as_(keys, "institute"),
        json={**programme, "employment_includes": ["start_up"]},
    )
    assert made.status_code == 201, made.text
    assert made.json()["employment_includes"] == ["start_up"]
    bad = await client.post(
        "/v1/programmes",
        headers=as_(keys, "institute"),
        json={**programme, "programme_id": "a-bad", "employment_includes": ["freelance"]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("employment_includes")
    opened = await client.post(
        "/v1/cohorts",
        headers=as_(keys, "institute"),
        json={
            "cohort_id": "a-startup-2026-1",
            "programme_id": "a-startup-prog",
            "starts_on": "2026-03-03",
            "ends_on": "2026-04-10",
        },
    )
    assert opened.status_code == 201
    [event] = await emitted(app, "cohort-opened", "a-startup-2026-1")
    assert event["employment_includes"] == ["start_up"]
    [plain] = await emitted(app, "cohort-opened", COHORT)
    assert plain["employment_includes"] == []


async def test_a_full_cohort_admits_nobody_more(client, keys):
    for _ in range(2):
        await enrolled(client, keys, SMALL_COHORT)
    pending = await enrolled(client, keys, SMALL_COHORT, admit=False)
    assert pending["status"] == "applied"
    refused = await client.post(
        f"/v1/enrollments/{pending['enrollment_id']}/admit",
        headers=as_(keys, "institute"),
        json={"enrolled_on": "2026-03-02"},
    )
    assert refused.status_code == 409
    assert "full" in refused.json()["detail"]


async def test_an_institute_cannot_see_or_enroll_another_institutes_trainee(client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    read = await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "other_institute"))
    assert read.status_code == 404
    enroll = await client.post(
        "/v1/enrollments",
        headers=as_(keys, "other_institute"),
        json={"trainee_id": trainee_id, "cohort_id": OTHER_COHORT, "applied_on": "2026-02-20"},
    )
    assert enroll.status_code == 404
    cohorts = (await client.get("/v1/cohorts", headers=as_(keys, "other_institute"))).json()
    assert [c["cohort_id"] for c in cohorts] == [OTHER_COHORT]


async def test_operators_read_any_trainee_and_firms_read_none(client, keys):
    trainee_id = (await register(client, keys)).json()["trainee_id"]
    assert (
        await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "operator"))
    ).status_code == 200
    assert (
        await client.get(f"/v1/trainees/{trainee_id}", headers=as_(keys, "firm"))
    ).status_code == 403


# ---------------------------------------------------------------- attendance


async def test_absences_in_march_warn_then_put_the_month_and_then_the_course_at_risk(
    app, client, keys
):
    enrollment = await enrolled(client, keys)
    for day in MARCH[:6]:
        response = await client.post(
            "/v1/attendance",
            headers=as_(keys, "institute"),
            json=attendance(enrollment, day, "absent"),
        )
        assert response.status_code == 201, response.text
    alerts = await emitted(app, "attendance-at-risk", enrollment["trainee_id"])
    # The month (21 training days) is lost at the fifth absence (16/21 at best) and not
    # announced again at the sixth; the course (29 days) at the sixth (23/29 at best).
    # Each was warned one absence earlier, below 85 % at best: 17/21 and 24/29.
    assert [(a["scope"], a["period"], a["detected_on"], a["level"]) for a in alerts] == [
        ("month", "2026-03", MARCH[3].isoformat(), "warning"),
        ("course", COHORT, MARCH[4].isoformat(), "warning"),
        ("month", "2026-03", MARCH[4].isoformat(), "unreachable"),
        ("course", COHORT, MARCH[5].isoformat(), "unreachable"),
    ]
    rates = [a["best_possible_rate"] for a in alerts]
    assert rates == [round(17 / 21, 4), round(24 / 29, 4), round(16 / 21, 4), round(23 / 29, 4)]
    report = (
        await client.get(
            f"/v1/enrollments/{enrollment['enrollment_id']}/attendance",
            headers=as_(keys, "institute"),
        )
    ).json()
    march = next(m for m in report["months"] if m["period"] == "2026-03")
    assert (march["attended"], march["unrecorded"], march["at_risk"]) == (0, 15, True)


async def test_recorded_days_carry_the_rates_so_far(app, client, keys):
    enrollment = await enrolled(client, keys)
    for day, status in zip(MARCH[:4], ["present", "late", "excused", "absent"], strict=True):
        await client.post(
            "/v1/attendance",
            headers=as_(keys, "institute"),
            json=attendance(enrollment, day, status),
        )
    recorded = await emitted(app, "attendance-recorded", enrollment["trainee_id"])
    assert [r["rate_to_date"] for r in recorded] == [1.0, 1.0, 1.0, round(2 / 3, 4)]


async def test_a_bulk_import_keeps_good_rows_and_reports_bad_ones(app, client, keys):
    enrollment = await enrolled(client, keys)
    rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"]
    rows += [
        f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{d},present,09:00,18:00"
        for d in MARCH
    ]
    rows.insert(
        3,
        f"{enrollment['trainee_id']},{enrollment['enrollment_id']},2026-03-07,present,09:00,18:00",
    )  # a Saturday
    rows.insert(
        5, f"{enrollment['trainee_id']},{enrollment['enrollment_id']},2026-03-10,sleeping,,"
    )
    rows.insert(7, f"{enrollment['trainee_id']},en-nobody,2026-03-10,present,09:00,")
    response = await client.post(
        "/v1/imports/attendance",
        content="\n".join(rows),
        headers={**as_(keys, "institute"), "content-type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["accepted"], report["rejected"]) == (24, 21, 3)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "day"),
        (5, "status"),
        (7, "enrollment_id"),
    ]
    stored = await app.state.pool.fetchval(
        "SELECT count(*) FROM attendance WHERE enrollment_id = $1", enrollment["enrollment_id"]
    )
    assert stored == 21


async def test_an_import_without_the_required_columns_is_refused(client, keys):
    response = await client.post(
        "/v1/imports/attendance",
        content="who,when\nx,y",
        headers={**as_(keys, "institute"), "content-type": "text/csv"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "trainee_id"


# ---------------------------------------------------------------- the end of a course


async def test_completion_needs_80_percent_then_is_announced(app, client, keys):
    enrollment = await enrolled(client, keys)
    body = {
        "trainee_id": enrollment["trainee_id"],
        "enrollment_id": enrollment["enrollment_id"],
        "completed_on": "2026-04-10",
    }
    too_early = await client.post("/v1/completions", headers=as_(keys, "institute"), json=body)
    assert too_early.status_code == 422
    assert too_early.json()["errors"][0]["field"] == "attendance"
    days = [
        d
        for d in (catalogue.STARTS + timedelta(n) for n in range(40))
        if d.weekday() < 5 and d <= catalogue.ENDS
    ]
    csv_rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"] + [
        f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{d},"
        + ("absent,," if n < 5 else "present,09:00,18:00")
        for n, d in enumerate(days)
    ]
    await client.post(
        "/v1/imports/attendance",
        content="\n".join(csv_rows),
        headers={**as_(keys, "institute"), "content-type": "text/csv"},
    )
    done = await client.post("/v1/completions", headers=as_(keys, "institute"), json=body)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    [event] = await emitted(app, "enrollment-completed", enrollment["trainee_id"])
    assert (event["attendance_rate"], event["early_employment"]) == (round(24 / 29, 4), False)


async def test_a_trainee_hired_during_the_course_completes_through_early_employment(
    app, client, keys
):
    enrollment = await enrolled(client, keys)
    done = await client.post(
        "/v1/completions",
        headers=as_(keys, "institute"),
        json={
            "trainee_id": enrollment["trainee_id"],
            "enrollment_id": enrollment["enrollment_id"],
            "completed_on": "2026-03-20",
            "hired_on": "2026-03-20",
        },
    )
    assert done.json()["status"] == "completed_early_employment"
    [event] = await emitted(app, "enrollment-completed", enrollment["trainee_id"])
    assert (event["early_employment"], event["hired_on"]) == (True, "2026-03-20")


async def test_a_dropped_enrollment_takes_no_more_attendance_or_moves(app, client, keys):
    enrollment = await enrolled(client, keys)
    ids = {"trainee_id": enrollment["trainee_id"], "enrollment_id": enrollment["enrollment_id"]}
    dropped = await client.post(
        "/v1/drop-outs",
        headers=as_(keys, "institute"),
        json={**ids, "dropped_on": "2026-03-13", "reason": "health"},
    )
    assert dropped.json()["status"] == "dropped"
    late = await client.post(
        "/v1/attendance", headers=as_(keys, "institute"), json=attendance(enrollment, MARCH[10])
    )
    assert late.status_code == 409
    again = await client.post(
        "/v1/completions",
        headers=as_(keys, "institute"),
        json={**ids, "completed_on": "2026-04-10"},
    )
    assert again.status_code == 409
    assert "cannot become" in again.json()["detail"]
    [event] = await emitted(app, "enrollment-dropped", enrollment["trainee_id"])
    assert event["reason"] == "health"


async def test_a_survey_score_is_recorded_and_announced(app, client, keys):
    enrollment = await enrolled(client, keys)
    response = await client.post(
        "/v1/surveys",
        headers=as_(keys, "institute"),
        json={
            "trainee_id": enrollment["trainee_id"],
            "enrollment_id": enrollment["enrollment_id"],
            "score": 94,
            "submitted_on": "2026-04-10",
        },
    )
    assert response.status_code == 201
    assert [
        e["score"] for e in await emitted(app, "survey-submitted", enrollment["trainee_id"])
    ] == [94]


async def test_cohort_satisfaction_is_the_mean_of_its_surveys(client, keys):
    for score in (90, 81):
        enrollment = await enrolled(client, keys, SURVEY_COHORT)
        await client.post(
            "/v1/surveys",
            headers=as_(keys, "institute"),
            json={
                "trainee_id": enrollment["trainee_id"],
                "enrollment_id": enrollment["enrollment_id"],
                "score": score,
                "submitted_on": "2026-04-10",
            },
        )
    satisfaction = await client.get(
        f"/v1/cohorts/{SURVEY_COHORT}/satisfaction", headers=as_(keys, "operator")
    )
    assert satisfaction.json() == {"cohort_id": SURVEY_COHORT, "responses": 2, "mean_score": 85.5}
    refused = await client.get(
        f"/v1/cohorts/{SURVEY_COHORT}/satisfaction", headers=as_(keys, "other_institute")
    )
    assert refused.status_code == 404


# ---------------------------------------------------------------- bad input


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
