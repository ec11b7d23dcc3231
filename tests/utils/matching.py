"""Driving the matching service in tests: its pool fed with events as the worker would,
its feed read whole, candidates and openings made."""

from datetime import UTC, datetime

from tests.utils import factories
from traintrack.contracts import codec
from traintrack.contracts import evaluation as ev
from traintrack.matching.bootstrap import event_handlers
from traintrack.platform.messaging.consumer import EventConsumer, Outcome
from traintrack.platform.messaging.dlq import Delivery

AT = datetime(2026, 9, 1, tzinfo=UTC)
SCHEME = {"scheme_id": "kdt-4-stage", "scheme_version": 1}
PROFILE_KEYS = {
    "trainee_id",
    "institute_id",
    "stage_reached",
    "certified",
    "certifications",
    "skills",
    "field",
    "fields",
    "region_code",
    "score",
    "status",
    "available_from",
}


async def feed_events(app, *events):
    await feed_pool(app.state.pool, *events)


async def feed_pool(pool, *events):
    consumer = EventConsumer(
        name="matching-test", pool=pool, publish=_no_dead_letters, handlers=event_handlers(pool)
    )
    for n, event in enumerate(events):
        record = codec.encode(codec.to_cloudevent(event, source="/traintrack/test"))
        outcome = await consumer.process(Delivery(event.topic.name, 0, n, record))
        assert outcome is Outcome.APPLIED


async def _no_dead_letters(*_):
    raise AssertionError("nothing here is poison")


# Each test trainee's latest enrollment: the evaluation events below are about it.
LATEST: dict[str, dict[str, str]] = {}


def ids(trainee):
    return LATEST[trainee]


def passed(trainee, stage):
    return ev.StagePassed(
        **ids(trainee),
        stage=stage,
        stage_name=f"s{stage}",
        attempt=1,
        unlocks=[],
        decided_at=AT,
        **SCHEME,
    )


async def candidate(
    app,
    *,
    stage=2,
    cohort="kdt-ai-1",
    skills=("python", "ml"),
    institute="inst-a",
    consent=True,
    field="AI",
    programme="p-1",
):
    """A trainee of a cohort who reached `stage`; their id."""
    trainee = factories.trainee_id()
    await feed_events(
        app,
        factories.trainee_registered(
            trainee_id=trainee, institute_id=institute, consent_share_with_firms=consent
        ),
    )
    await enroll(
        app,
        trainee,
        stage=stage,
        cohort=cohort,
        skills=skills,
        field=field,
        institute=institute,
        programme=programme,
    )
    return trainee


async def enroll(
    app,
    trainee,
    *,
    stage,
    cohort,
    skills=("python", "ml"),
    institute="inst-a",
    field="AI",
    programme="p-1",
):
    """The trainee enrolls in `cohort` (a further course, for a repeat participant) and
    reaches `stage` in it."""
    enrolled = factories.trainee_enrolled(
        trainee_id=trainee, institute_id=institute, cohort_id=cohort
    )
    LATEST[trainee] = {
        "trainee_id": trainee,
        "enrollment_id": enrolled.enrollment_id,
        "cohort_id": cohort,
    }
    await feed_events(
        app,
        factories.cohort_opened(
            cohort_id=cohort,
            institute_id=institute,
            skills=list(skills),
            field=field,
            programme_id=programme,
        ),
        enrolled,
        *(passed(trainee, s) for s in range(1, stage + 1)),
    )


async def whole_feed(client, headers, after=0):
    entries = []
    while True:
        page = (
            await client.get("/v1/feed", params={"after": after, "limit": 3}, headers=headers)
        ).json()
        entries += page["entries"]
        if page["next_cursor"] == after:
            return entries
        after = page["next_cursor"]


def delivered(entries, kind="candidate-delivered"):
    return [e["trainee_id"] for e in entries if e["kind"] == kind]


async def publish_opening(client, headers, opening_id, seats, skills=("python",), minimum_stage=3):
    made = await client.post(
        "/v1/openings",
        json={
            "opening_id": opening_id,
            "title": "Data intern",
            "skills": list(skills),
            "seats": seats,
            "minimum_stage": minimum_stage,
            "starts_on": "2026-12-01",
            "ends_on": "2027-02-26",
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    return made.json()


def certified(trainee, credential_id, programme="p-1"):
    return ev.Certified(
        **ids(trainee),
        programme_id=programme,
        credential_id=credential_id,
        issued_at=AT,
        valid_until=datetime(2029, 9, 1, tzinfo=UTC),
        **SCHEME,
    )


def revoked(trainee, credential_id, reason, cause="manual"):
    return ev.CertificationRevoked(
        **ids(trainee), credential_id=credential_id, cause=cause, reason=reason, revoked_at=AT
    )


def about(entries, trainee, kind):
    return [e["data"] for e in entries if e["kind"] == kind and e["trainee_id"] == trainee]


async def subscribe(client, headers, subscription_id, skill, minimum_stage):
    body = {"subscription_id": subscription_id, "skills": [skill], "minimum_stage": minimum_stage}
    made = await client.post("/v1/subscriptions", json=body, headers=headers)
    assert made.status_code == 201, made.text
