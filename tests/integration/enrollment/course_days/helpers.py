"""Helpers of the course-day modules: cohorts, enrollments and days they repeat."""

from datetime import date

from tests.utils import factories

BASE = "course-days-2026-1"
# Mon 21 Sep .. Fri 16 Oct 2026, over Chuseok and three more public holidays, with a
# closed day of its own (Wed 14 Oct).
AUTUMN = "course-days-autumn"
CLOSED = date(2026, 10, 14)


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
