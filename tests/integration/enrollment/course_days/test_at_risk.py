"""At-risk warnings: below 85 % a warning, below 80 % unreachable, each once."""

from datetime import date

import pytest

from tests.integration.enrollment.course_days.helpers import as_, day_of, enroll, open_cohort
from tests.utils.apps import client_of

pytestmark = pytest.mark.integration


# Mon 1 .. Fri 26 Sep 2025: 20 training days, no public holiday.
SEPTEMBER = "course-days-sep-2025"
SEPTEMBER_DAYS = [date(2025, 9, d) for d in range(1, 27) if date(2025, 9, d).weekday() < 5]


@pytest.fixture(scope="module")
async def september(app, keys):
    async with client_of(app, "enrollment") as client:
        response = await open_cohort(client, keys, SEPTEMBER, SEPTEMBER_DAYS[0], SEPTEMBER_DAYS[-1])
    assert response.status_code == 201, response.text
    assert response.json()["training_days"] == 20
    return SEPTEMBER


async def alerts(app, enrollment):
    rows = await app.state.pool.fetch(
        "SELECT data FROM outbox WHERE event_type LIKE '%attendance-at-risk%' "
        "AND data->>'enrollment_id' = $1 ORDER BY id",
        enrollment["enrollment_id"],
    )
    return [(r["data"]["scope"], r["data"]["level"], r["data"]["best_possible_rate"]) for r in rows]


async def absent(client, keys, enrollment, days):
    for day in days:
        response = await client.post(
            "/v1/attendance", headers=as_(keys), json=day_of(enrollment, day, "absent")
        )
        assert response.status_code == 201, response.text


async def test_a_warning_comes_below_85_percent_then_unreachable_below_80_each_once(
    app, client, keys, september
):
    enrollment = await enroll(client, keys, september, applied_on="2025-08-20")
    await absent(client, keys, enrollment, SEPTEMBER_DAYS[:3])
    assert await alerts(app, enrollment) == []  # 17/20 = 85 % at best: no warning yet
    await absent(client, keys, enrollment, SEPTEMBER_DAYS[3:4])
    assert await alerts(app, enrollment) == [("course", "warning", 0.8), ("month", "warning", 0.8)]
    await absent(client, keys, enrollment, SEPTEMBER_DAYS[4:6])
    assert await alerts(app, enrollment) == [
        ("course", "warning", 0.8),
        ("month", "warning", 0.8),
        ("course", "unreachable", 0.75),
        ("month", "unreachable", 0.75),
    ]


async def test_a_period_that_jumps_past_both_levels_hears_only_unreachable(
    app, client, keys, september
):
    enrollment = await enroll(client, keys, september, applied_on="2025-08-20")
    rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"] + [
        f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{day},absent,,"
        for day in SEPTEMBER_DAYS[:5]
    ]
    response = await client.post(
        "/v1/imports/attendance",
        content="\n".join(rows),
        headers={**as_(keys), "content-type": "text/csv"},
    )
    assert response.json()["accepted"] == 5
    assert await alerts(app, enrollment) == [
        ("course", "unreachable", 0.75),
        ("month", "unreachable", 0.75),
    ]


async def test_institutes_and_operators_list_enrollments_at_risk_with_their_rates(
    app, client, keys
):
    cohort = "course-days-listing"
    opened = await open_cohort(client, keys, cohort, SEPTEMBER_DAYS[0], SEPTEMBER_DAYS[-1])
    assert opened.status_code == 201
    fine, warned, lost = [await enroll(client, keys, cohort, "2025-08-20") for _ in range(3)]
    await absent(client, keys, fine, SEPTEMBER_DAYS[:3])
    await absent(client, keys, warned, SEPTEMBER_DAYS[:4])
    await absent(client, keys, lost, SEPTEMBER_DAYS[:6])

    async def listed(who="institute", **query):
        response = await client.get(
            "/v1/enrollments/at-risk", params={"cohort_id": cohort, **query}, headers=as_(keys, who)
        )
        assert response.status_code == 200, response.text
        return response.json()

    every = await listed()
    assert {e["enrollment_id"]: e["level"] for e in every} == {
        warned["enrollment_id"]: "warning",
        lost["enrollment_id"]: "unreachable",
    }
    [lost_now] = await listed(level="unreachable")
    # Every day of the cohort has passed: 0 of 6 recorded days attended, 14 unrecorded.
    assert (
        lost_now["rate_to_date"],
        lost_now["course_rate"],
        lost_now["course_best_possible"],
    ) == (
        0.0,
        0.0,
        0.7,
    )
    assert [(p["scope"], p["period"], p["level"]) for p in lost_now["periods"]] == [
        ("month", "2025-09", "unreachable"),
        ("course", cohort, "unreachable"),
    ]
    assert [e["enrollment_id"] for e in await listed(level="warning")] == [warned["enrollment_id"]]
    assert len(await listed("operator")) == 2
    assert await listed("other_institute") == []
    bad = await client.get("/v1/enrollments/at-risk", params={"level": "doomed"}, headers=as_(keys))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "level"
