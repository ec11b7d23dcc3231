"""The end of a course: the closing sweep, closing a cohort by hand, what stays closed."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.enrollment.course_days.helpers import as_, day_of, enroll, open_cohort
from tests.utils.apps import client_of
from tests.utils.platform import eventually
from traintrack.enrollment.adapters.enrollments import EnrollmentRepository
from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.settings import EnrollmentSettings

pytestmark = pytest.mark.integration


TODAY = datetime.now(UTC).date()
GRACE = 7  # the default ENROLLMENT_COMPLETION_GRACE_DAYS


async def ended_cohort(client, keys, cohort_id, ends_on):
    starts_on = ends_on - timedelta(days=27)
    response = await open_cohort(client, keys, cohort_id, starts_on, ends_on)
    assert response.status_code == 201, response.text
    return Cohort(cohort_id, "p", "inst-a", starts_on, ends_on, 30).training_days()


async def recorded_long_ago(app, *enrollments):
    """As if the institute had enrolled them during the course (the platform grants an
    enrollment it learns of after the end a grace period of its own)."""
    await app.state.pool.execute(
        "UPDATE enrollments SET recorded_at = now() - interval '60 days' "
        "WHERE enrollment_id = ANY($1)",
        [e["enrollment_id"] for e in enrollments],
    )


async def present_on(client, keys, enrollment, days):
    rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"] + [
        f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{d},present,09:00," for d in days
    ]
    response = await client.post(
        "/v1/imports/attendance",
        content="\n".join(rows),
        headers={**as_(keys), "content-type": "text/csv"},
    )
    assert response.json()["accepted"] == len(days), response.text


async def outbox_of(app, enrollment, kind):
    rows = await app.state.pool.fetch(
        "SELECT data FROM outbox WHERE event_type = $1 AND data->>'enrollment_id' = $2",
        f"traintrack.enrollment.{kind}.v1",
        enrollment["enrollment_id"],
    )
    return [r["data"] for r in rows]


async def test_enrollments_close_the_day_after_the_last_grace_day_once_and_for_good(
    app, client, keys
):
    # Cohort "open" ended GRACE days ago: today is its last grace day. Cohort "due" ended
    # one day earlier: its grace ended yesterday.
    open_days = await ended_cohort(client, keys, "end-open", TODAY - timedelta(GRACE))
    due_days = await ended_cohort(client, keys, "end-due", TODAY - timedelta(GRACE + 1))
    waiting = await enroll(client, keys, "end-open", "2025-01-02")
    completer = await enroll(client, keys, "end-due", "2025-01-02")
    short = await enroll(client, keys, "end-due", "2025-01-02")
    brought_in_today = await enroll(client, keys, "end-due", "2025-01-02")
    await recorded_long_ago(app, waiting, completer, short)
    # Present on all but one day in five: >= 80 % (exactly, when the days are a multiple of
    # five, as the 20 weekdays before late November are); one day fewer is below.
    attended = len(due_days) - len(due_days) // 5
    await present_on(client, keys, completer, due_days[:attended])
    await present_on(client, keys, short, due_days[: attended - 1])
    await present_on(client, keys, waiting, open_days[:3])

    first = await client.post("/v1/enrollments/close-due", headers=as_(keys, "operator"))
    assert first.status_code == 200, first.text
    assert first.json() == {"completed": 1, "not_completed": 1}
    again = await client.post("/v1/enrollments/close-due", headers=as_(keys, "operator"))
    assert again.json() == {"completed": 0, "not_completed": 0}

    async def status(enrollment):
        response = await client.get(
            f"/v1/enrollments/{enrollment['enrollment_id']}", headers=as_(keys)
        )
        return response.json()["status"]

    assert [await status(e) for e in (waiting, completer, short, brought_in_today)] == [
        "enrolled",
        "completed",
        "not_completed",
        "enrolled",
    ]
    [completed] = await outbox_of(app, completer, "enrollment-completed")
    assert completed["completed_on"] == (TODAY - timedelta(GRACE + 1)).isoformat()
    assert completed["attendance_rate"] == round(attended / len(due_days), 4)
    [not_completed] = await outbox_of(app, short, "enrollment-not-completed")
    assert not_completed == {
        "trainee_id": short["trainee_id"],
        "enrollment_id": short["enrollment_id"],
        "cohort_id": "end-due",
        "ended_on": (TODAY - timedelta(GRACE + 1)).isoformat(),
        "attendance_rate": round((attended - 1) / len(due_days), 4),
        "decided_on": TODAY.isoformat(),
    }
    report = await client.get(
        f"/v1/enrollments/{short['enrollment_id']}/attendance", headers=as_(keys)
    )
    assert report.json()["status"] == "not_completed"
    cohort = await client.get("/v1/cohorts/end-due", headers=as_(keys, "operator"))
    assert cohort.json()["enrollments"] == {"enrolled": 1, "completed": 1, "not_completed": 1}


async def test_a_closed_enrollment_takes_no_completion_drop_or_attendance(app, client, keys):
    days = await ended_cohort(client, keys, "end-final", TODAY - timedelta(GRACE + 3))
    enrollment = await enroll(client, keys, "end-final", "2025-01-02")
    await recorded_long_ago(app, enrollment)
    await client.post("/v1/enrollments/close-due", headers=as_(keys, "operator"))
    ids = {"trainee_id": enrollment["trainee_id"], "enrollment_id": enrollment["enrollment_id"]}
    for path, body in (
        ("/v1/completions", {**ids, "completed_on": TODAY.isoformat()}),
        ("/v1/drop-outs", {**ids, "dropped_on": TODAY.isoformat(), "reason": "personal"}),
        ("/v1/attendance", day_of(enrollment, days[-1])),
    ):
        response = await client.post(path, headers=as_(keys), json=body)
        assert response.status_code == 409, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert len(await outbox_of(app, enrollment, "enrollment-not-completed")) == 1
    assert await outbox_of(app, enrollment, "enrollment-completed") == []


async def test_attendance_being_recorded_keeps_its_enrollment_from_the_closing_sweep(
    app, client, keys
):
    """While an attendance import holds the enrollment (its transaction not yet
    committed), the sweep leaves it for its next round instead of closing it on the rate
    without the days being recorded."""
    await ended_cohort(client, keys, "end-race", TODAY - timedelta(GRACE + 2))
    enrollment = await enroll(client, keys, "end-race", "2025-01-02")
    await recorded_long_ago(app, enrollment)
    async with app.state.pool.acquire() as recording, recording.transaction():
        held = await EnrollmentRepository(recording).by_id(
            [enrollment["enrollment_id"]], share=True
        )
        assert list(held) == [enrollment["enrollment_id"]]
        swept = await client.post("/v1/enrollments/close-due", headers=as_(keys, "operator"))
        assert swept.json() == {"completed": 0, "not_completed": 0}
    after = await client.post("/v1/enrollments/close-due", headers=as_(keys, "operator"))
    assert after.json() == {"completed": 0, "not_completed": 1}


async def test_an_institute_closes_its_ended_cohort_without_waiting_for_the_grace(
    app, client, keys
):
    days = await ended_cohort(client, keys, "end-now", TODAY - timedelta(1))
    completer, short = [await enroll(client, keys, "end-now", "2025-01-02") for _ in "12"]
    await present_on(client, keys, completer, days)
    running = await open_cohort(
        client, keys, "end-running", TODAY - timedelta(5), TODAY + timedelta(30)
    )
    assert running.status_code == 201
    refused = await client.post("/v1/cohorts/end-running/close", headers=as_(keys))
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "cohort_id"
    foreign = await client.post("/v1/cohorts/end-now/close", headers=as_(keys, "other_institute"))
    assert foreign.status_code == 404
    closed = await client.post("/v1/cohorts/end-now/close", headers=as_(keys))
    assert closed.json() == {"cohort_id": "end-now", "completed": 1, "not_completed": 1}
    again = await client.post("/v1/cohorts/end-now/close", headers=as_(keys, "operator"))
    assert again.json() == {"cohort_id": "end-now", "completed": 0, "not_completed": 0}
    assert len(await outbox_of(app, short, "enrollment-not-completed")) == 1


async def test_the_api_closes_due_enrollments_by_itself_every_so_often(app, platform, keys):
    async with client_of(app, "enrollment") as client:
        await ended_cohort(client, keys, "end-background", TODAY - timedelta(GRACE + 2))
        enrollment = await enroll(client, keys, "end-background", "2025-01-02")
    await recorded_long_ago(app, enrollment)
    settings = EnrollmentSettings(
        database_url=app.state.settings.database_url,
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        close_interval_seconds=0.2,
    )
    second = create_app(settings)
    async with second.router.lifespan_context(second):
        closed = await eventually(
            lambda: app.state.pool.fetchval(
                "SELECT status = 'not_completed' FROM enrollments WHERE enrollment_id = $1",
                enrollment["enrollment_id"],
            ),
            timeout=20,
        )
    assert closed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/cohorts/a%00b"),
        ("POST", "/v1/cohorts/a%00b/close"),
        ("GET", "/v1/enrollments/at-risk?cohort_id=a%00b"),
    ],
)
async def test_an_id_the_store_cannot_hold_gets_a_problem_naming_it(client, keys, method, path):
    response = await client.request(method, path, headers=as_(keys))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cohort_id"
