"""Training days, at-risk warnings and the end of a course, through the enrollment API."""

from datetime import date

import httpx
import pytest

from enrollment.bootstrap import create_app
from enrollment.settings import EnrollmentSettings
from enrollment.submissions import submission_batch_handlers
from tests.utils import catalogue, factories
from tests.utils.keys import STANDARD, write_keyring
from traintrack_shared import codec
from traintrack_shared.auth import Keyring
from traintrack_shared.contracts.submissions import RecordAttendance
from traintrack_shared.institute.sdk import signed_record

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
    settings = EnrollmentSettings(
        database_url=await platform.fresh_database("enrollment"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with _client(app) as client:
            await catalogue.seed(
                client,
                operator_key=keys["operator"],
                institute_key=keys["institute"],
                institute_id="inst-a",
                cohort_id=BASE,
            )
        yield app


def _client(app):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://enrollment")


@pytest.fixture
async def client(app):
    async with _client(app) as client:
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
    async with _client(app) as client:
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
    handle = submission_batch_handlers(Keyring(keys["file"]))[RecordAttendance.type]
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
