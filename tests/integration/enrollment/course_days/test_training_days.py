"""Training days: public holidays and closed days, on the API and on Kafka."""

from datetime import date

import pytest

from tests.integration.enrollment.course_days.helpers import (
    AUTUMN,
    CLOSED,
    as_,
    day_of,
    enroll,
    open_cohort,
)
from tests.utils.apps import client_of
from tests.utils.keys import signing_secret_of, verifier
from traintrack.contracts import codec
from traintrack.contracts.submissions import RecordAttendance
from traintrack.enrollment.adapters.uow import EnrollmentUnitOfWork
from traintrack.enrollment.entrypoints.worker import submission_batch_handlers
from traintrack.institute.sdk import signed_record

pytestmark = pytest.mark.integration


async def submitted(app, keys, days):
    """Signed attendance submissions of (enrollment, day), applied as the worker applies
    one batch; the refused, by position."""
    handle = submission_batch_handlers(
        app.state.bus,
        lambda conn: EnrollmentUnitOfWork(connection=conn),
        verifier(keys["file"]),
    )[RecordAttendance.type]
    secret = signing_secret_of(keys["institute"])
    envelopes = [
        codec.decode(signed_record(RecordAttendance(**day_of(who, day)), secret))
        for who, day in days
    ]
    async with app.state.pool.acquire() as conn, conn.transaction():
        return await handle(envelopes, conn)


async def kept_before_a_calendar_change(app, enrollment, day):
    """A present day stored as if recorded before it stopped being a training day (the
    API refuses it now)."""
    await app.state.pool.execute(
        "INSERT INTO attendance (enrollment_id, day, status, check_in) "
        "VALUES ($1, $2, 'present', '09:00')",
        enrollment["enrollment_id"],
        day,
    )


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
    refused = await submitted(
        app, keys, [(enrollment, date(2026, 9, 23)), (enrollment, date(2026, 9, 25))]
    )
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


async def test_a_day_kept_from_before_a_holiday_was_declared_counts_for_nothing(
    app, client, keys, autumn
):
    # A record on Thu 24 Sep, as if it had been taken before the day became a holiday:
    # a batch of October reads September as counts, and those must leave it out as well.
    enrollment = await enroll(client, keys, AUTUMN)
    await kept_before_a_calendar_change(app, enrollment, date(2026, 9, 24))
    for day in (date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23), date(2026, 10, 1)):
        response = await client.post(
            "/v1/attendance", headers=as_(keys), json=day_of(enrollment, day)
        )
        assert response.status_code == 201, response.text
    recorded = [
        r["data"]
        for r in await app.state.pool.fetch(
            "SELECT data FROM outbox WHERE event_type LIKE '%attendance-recorded%' "
            "AND partition_key = $1 ORDER BY id",
            enrollment["trainee_id"],
        )
    ]
    # Training days to 1 Oct: 21, 22, 23, 28, 29, 30 Sep and 1 Oct; attended: four.
    assert [(r["day"], r["rate_to_date"], r["month_rate"]) for r in recorded] == [
        ("2026-09-21", 1.0, 1.0),
        ("2026-09-22", 1.0, 1.0),
        ("2026-09-23", 1.0, 1.0),
        ("2026-10-01", round(4 / 7, 4), 1.0),
    ]


async def test_a_closed_day_of_one_cohort_still_counts_for_another_in_the_same_batch(
    app, client, keys, autumn
):
    # Wed 14 Oct is closed for the autumn cohort only: a batch with an enrollment of each
    # reads it as a day off for one, and must go on counting it for the other.
    october = await open_cohort(
        client, keys, "course-days-october", date(2026, 10, 1), date(2026, 11, 30)
    )
    assert october.status_code == 201, october.text
    theirs, ours = (
        await enroll(client, keys, AUTUMN),
        await enroll(client, keys, "course-days-october"),
    )
    for who, day in ((ours, date(2026, 10, 13)), (ours, CLOSED), (theirs, date(2026, 9, 21))):
        response = await client.post("/v1/attendance", headers=as_(keys), json=day_of(who, day))
        assert response.status_code == 201, response.text
    # And a day of theirs kept on Mon 5 Oct (a holiday since): in their own month, it is
    # one of the days read, not of those counted before.
    await kept_before_a_calendar_change(app, theirs, date(2026, 10, 5))
    batch = [(theirs, date(2026, 10, 15)), (ours, date(2026, 11, 2))]
    assert await submitted(app, keys, batch) == {}
    rates = {
        r["data"]["trainee_id"]: r["data"]["rate_to_date"]
        for r in await app.state.pool.fetch(
            "SELECT data FROM outbox WHERE event_type LIKE '%attendance-recorded%' "
            "AND data->>'day' IN ('2026-10-15', '2026-11-02')"
        )
    }
    # Ours, 1 Oct to 2 Nov: 22 weekdays in October less 5 and 9 Oct (holidays), and 2 Nov.
    # Theirs, 21 Sep to 15 Oct: 14 training days, of which 21 Sep and 15 Oct attended.
    assert rates == {ours["trainee_id"]: round(3 / 21, 4), theirs["trainee_id"]: round(2 / 14, 4)}
