"""Helpers of the enrollment API modules: the seeded cohorts and requests they repeat."""

from datetime import timedelta

from tests.utils import catalogue, factories

COHORT, OTHER_COHORT, SMALL_COHORT = "a-2026-1", "b-2026-1", "a-small-2026-1"
SURVEY_COHORT = "a-survey-2026-1"
MARCH = [
    d
    for d in (catalogue.STARTS + timedelta(n) for n in range(30))
    if d.month == 3 and d.weekday() < 5
]


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


# Event kinds written at another version than 1 (attendance moved to its own topic).
VERSIONS = {"attendance-recorded": 2}


async def emitted(app, event_type, key):
    rows = await app.state.pool.fetch(
        "SELECT data FROM outbox WHERE event_type = $1 AND partition_key = $2 ORDER BY id",
        f"traintrack.enrollment.{event_type}.v{VERSIONS.get(event_type, 1)}",
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
