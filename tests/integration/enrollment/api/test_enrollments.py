"""Enrollments through the enrollment API: admission, seats, who sees whom."""

import pytest

from tests.integration.enrollment.api.helpers import (
    COHORT,
    OTHER_COHORT,
    SMALL_COHORT,
    SURVEY_COHORT,
    as_,
    emitted,
    enrolled,
    register,
)

pytestmark = pytest.mark.integration


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
