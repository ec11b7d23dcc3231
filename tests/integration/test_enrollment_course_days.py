"""Training days, at-risk warnings and the end of a course, through the enrollment API."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.utils import catalogue, factories
from tests.utils.apps import client_of, running_app
from tests.utils.keys import STANDARD, write_keyring
from tests.utils.platform import eventually
from traintrack.contracts import codec
from traintrack.contracts.submissions import RecordAttendance
from traintrack.enrollment.adapters.enrollments import EnrollmentRepository
from traintrack.enrollment.adapters.uow import EnrollmentUnitOfWork
from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.entrypoints.worker import submission_batch_handlers
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.institute.sdk import signed_record
from traintrack.platform.web.auth import Keyring

pytestmark = pytest.mark.integration

BASE = "course-days-2026-1"
# Mon 21 Sep .. Fri 16 Oct 2026, over Chuseok and three more public holidays, with a
# closed day of its own (Wed 14 Oct).
AUTUMN = "course-days-autumn"
CLOSED = date(2026, 10, 14)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    return write_keyring(path, STANDARD) | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    # The closing sweep runs when a test asks (close-due), not behind its back.
    async with running_app(
        create_app,
        EnrollmentSettings,
        platform,
        keys["file"],
        "enrollment",
        close_interval_seconds=3600,
    ) as app:
        async with client_of(app, "enrollment") as client:
            await catalogue.seed(
                client,
                operator_key=keys["operator"],
                institute_key=keys["institute"],
                institute_id="inst-a",
                cohort_id=BASE,
            )
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "enrollment") as client:
        yield client


def as_(keys, who="institute"):
    return {"X-API-Key": keys[who]}


async def open_cohort(client, keys, cohort_id, starts_on, ends_on, **extra):
    return await client.post(
        "/v1/cohorts",
        headers=as_(keys),
        json={
            "cohort_id": cohort_id,
            "programme_id": f"{BASE}-prog",
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            **extra,
        },
    )


async def enroll(client, keys, cohort_id, applied_on="2026-01-05"):
    trainee = (
        await client.post("/v1/trainees", json=factories.trainee_body(), headers=as_(keys))
    ).json()
    response = await client.post(
        "/v1/enrollments",
        headers=as_(keys),
        json={
            "trainee_id": trainee["trainee_id"],
            "cohort_id": cohort_id,
            "applied_on": applied_on,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def day_of(enrollment, day, status="present"):
    return {
        "trainee_id": enrollment["trainee_id"],
        "enrollment_id": enrollment["enrollment_id"],
        "day": day.isoformat(),
        "status": status,
        **({"check_in": "09:00"} if status in ("present", "late") else {}),
    }


# ---------------------------------------------------------------- training days


@pytest.fixture(scope="module")
async def autumn(app, keys):
    async with client_of(app, "enrollment") as client:
        response = await open_cohort(
            client,
            keys,
            AUTUMN,
            date(2026, 9, 21),
            date(2026, 10, 16),
            closed_days=[CLOSED.isoformat()],
        )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_cohort_states_its_public_holidays_closed_days_and_training_days(app, autumn):
    # 20 weekdays; off: Thu 24 and Fri 25 Sep (Chuseok and the day before it), Mon 5 Oct
    # (substitute for National Foundation Day, a Saturday), Fri 9 Oct (Hangul Day), and
    # the closed Wed 14 Oct. (Chuseok's second day is Saturday 26 Sep.)
    assert autumn["public_holidays"] == ["2026-09-24", "2026-09-25", "2026-10-05", "2026-10-09"]
    assert autumn["closed_days"] == ["2026-10-14"]
    assert autumn["training_days"] == 15
    [opened] = [
        r["data"]
        for r in await app.state.pool.fetch(
            "SELECT data FROM outbox WHERE event_type LIKE '%cohort-opened%' "
            "AND partition_key = $1",
            AUTUMN,
        )
    ]
    assert opened["closed_days"] == ["2026-10-14"]


@pytest.mark.parametrize(
    ("day", "says"),
    [
        (date(2026, 9, 24), "public holiday"),
        (date(2026, 10, 5), "public holiday"),
        (CLOSED, "closed day"),
    ],
)
async def test_attendance_on_a_holiday_or_closed_day_is_refused_naming_the_day(
    app, client, keys, autumn, day, says
):
    enrollment = await enroll(client, keys, AUTUMN)
    response = await client.post("/v1/attendance", headers=as_(keys), json=day_of(enrollment, day))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "day" and says in error["message"]
    ok = await client.post(
        "/v1/attendance", headers=as_(keys), json=day_of(enrollment, date(2026, 10, 13))
    )
    assert ok.status_code == 201


async def test_a_submission_on_a_holiday_is_refused_with_its_reason_for_the_dead_letters(
    app, client, keys, autumn
):
    enrollment = await enroll(client, keys, AUTUMN)
    handle = submission_batch_handlers(
        app.state.bus,
        lambda conn: EnrollmentUnitOfWork(connection=conn),
        Keyring(keys["file"]),
    )[RecordAttendance.type]
    envelopes = [
        codec.decode(signed_record(RecordAttendance(**day_of(enrollment, day)), keys["institute"]))
        for day in (date(2026, 9, 23), date(2026, 9, 25))
    ]
    async with app.state.pool.acquire() as conn, conn.transaction():
        refused = await handle(envelopes, conn)
    assert list(refused) == [1]
    assert refused[1].field == "day" and "public holiday" in refused[1].detail


@pytest.mark.parametrize(
    ("closed", "says"),
    [
        (["2026-09-19"], "outside"),
        (["2026-10-10"], "weekend"),
        (["2026-10-13", "2026-10-13"], "twice"),
    ],
)
async def test_closed_days_out_of_place_are_refused_naming_the_field(client, keys, closed, says):
    response = await open_cohort(
        client, keys, "c-bad-closed", date(2026, 9, 21), date(2026, 10, 16), closed_days=closed
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "closed_days" and says in error["message"]


# ---------------------------------------------------------------- at-risk warnings

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


# ---------------------------------------------------------------- the end of a course

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
