"""Attendance, imports and the end of a course through the enrollment API."""

from datetime import timedelta

import pytest

from tests.integration.enrollment.api.helpers import (
    COHORT,
    MARCH,
    SURVEY_COHORT,
    as_,
    attendance,
    emitted,
    enrolled,
)
from tests.utils import catalogue

pytestmark = pytest.mark.integration


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


async def test_rates_stay_right_across_months_and_a_correction_of_an_earlier_month(
    app, client, keys
):
    """A batch reads its enrollments' days from the first of its earliest month on and
    counts the rest: every rate below is checked against the whole course by hand."""
    enrollment = await enrolled(client, keys)
    march = MARCH  # 3 to 31 March: 21 training days
    statuses = ["absent"] * 3 + ["present"] * 18
    rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"] + [
        f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{d},{s},"
        f"{'09:00' if s == 'present' else ''},"
        for d, s in zip(march, statuses, strict=True)
    ]
    imported = await client.post(
        "/v1/imports/attendance",
        content="\n".join(rows),
        headers={**as_(keys, "institute"), "content-type": "text/csv"},
    )
    assert imported.json()["accepted"] == 21, imported.text

    async def post(*days):
        body = [attendance(enrollment, day, status) for day, status in days]
        for one in body:
            response = await client.post("/v1/attendance", headers=as_(keys, "institute"), json=one)
            assert response.status_code == 201, response.text

    april = [march[-1] + timedelta(days=n) for n in (1, 2, 3)]  # Wed 1, Thu 2, Fri 3 April
    await post((april[0], "present"))
    # One batch: a March day corrected (absent to present) with an April day.
    corrected = await client.post(
        "/v1/imports/attendance",
        content="\n".join(
            [
                rows[0],
                f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{march[1]},present,09:00,",
                f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{april[1]},late,09:20,",
            ]
        ),
        headers={**as_(keys, "institute"), "content-type": "text/csv"},
    )
    assert corrected.json()["accepted"] == 2, corrected.text
    await post((april[2], "absent"))
    recorded = await emitted(app, "attendance-recorded", enrollment["trainee_id"])
    assert len(recorded) == 21 + 1 + 2 + 1
    assert (recorded[20]["rate_to_date"], recorded[20]["month_rate"]) == (
        round(18 / 21, 4),
        round(18 / 21, 4),
    )
    assert [(r["day"], r["rate_to_date"], r["month_rate"]) for r in recorded[21:]] == [
        (april[0].isoformat(), round(19 / 22, 4), 1.0),  # March counted, not read
        (march[1].isoformat(), 0.5, 0.5),  # 3 March absent, 4 March now present
        (april[1].isoformat(), round(21 / 23, 4), 1.0),  # one late day costs nothing
        (april[2].isoformat(), round(21 / 24, 4), round(2 / 3, 4)),
    ]
