"""The matching service on a real database, served over real HTTP: the candidate pool
projected from enrollment and evaluation events, delivery to firms (feed, webhooks,
server-sent events), consent and revocation, rounds, offers and internships."""

import asyncio
import itertools
import json
import shutil
from datetime import UTC, date, datetime

import asyncpg
import httpx
import pytest

from tests.utils import factories
from tests.utils.keys import STANDARD, write_keyring
from tests.utils.platform import eventually
from tests.utils.servers import WebhookReceiver, serve
from traintrack.contracts import codec
from traintrack.contracts import enrollment as enr
from traintrack.contracts import evaluation as ev
from traintrack.contracts import evaluation_v1 as v1
from traintrack.matching.bootstrap import MIGRATIONS, create_app, event_handlers
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.db.pool import create_pool, migrate
from traintrack.platform.messaging.consumer import EventConsumer, Outcome
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.web.auth import Role

pytestmark = pytest.mark.integration
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


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(path, {**STANDARD, "third_firm": (Role.FIRM, "firm-c")})
    return {name: {"X-API-Key": key} for name, key in issued.items()} | {"file": path}


@pytest.fixture(scope="module")
async def service(platform, keys):
    settings = MatchingSettings(
        database_url=await platform.fresh_database("matching"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        dispatch_interval_seconds=0.1,
        expiry_interval_seconds=3600,  # the tests expire offers themselves
    )
    app = create_app(settings)
    async with serve(app) as url:
        yield app, url


@pytest.fixture(scope="module")
async def client(service, keys):
    _, url = service
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for firm_id in ("firm-a", "firm-b", "firm-c"):
            body = {"firm_id": firm_id, "name": firm_id.upper(), "region_code": "30"}
            made = await client.post("/v1/firms", json=body, headers=keys["operator"])
            assert made.status_code == 201, made.text
        yield client


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


async def test_a_subscription_delivers_each_matching_candidate_once_in_order_without_gaps(
    service, client, keys
):
    app, _ = service
    early = await candidate(app, stage=2, cohort="sub-1")
    made = await client.post(
        "/v1/subscriptions",
        json={"subscription_id": "a-python", "skills": ["Python"], "minimum_stage": 2},
        headers=keys["firm"],
    )
    assert made.status_code == 201, made.text
    assert made.json()["delivered_now"] >= 1
    later = await candidate(app, stage=2, cohort="sub-1")
    java = await candidate(app, stage=4, cohort="sub-java", skills=("java",))
    too_early = await candidate(app, stage=1, cohort="sub-1")
    await feed_events(app, passed(later, 3))  # an update, not a second delivery

    entries = await whole_feed(client, keys["firm"])
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    ids = delivered(entries)
    assert ids.count(early) == 1 and ids.count(later) == 1
    assert java not in ids and too_early not in ids
    [update] = [e for e in entries if e["kind"] == "candidate-updated" and e["trainee_id"] == later]
    assert update["data"]["candidate"]["stage_reached"] == 3
    shown = next(e for e in entries if e["trainee_id"] == early)["data"]["candidate"]
    assert set(shown) == PROFILE_KEYS  # pseudonymous: nothing personal reaches the firm
    assert shown["skills"] == ["ml", "python"] and shown["field"] == "AI"
    others = await whole_feed(client, keys["other_firm"])
    assert early not in delivered(others)


async def test_consent_withdrawal_removes_a_candidate_from_every_firm_at_once(
    service, client, keys
):
    app, _ = service
    for name, sub in (("firm", "a-consent"), ("other_firm", "b-consent")):
        body = {"subscription_id": sub, "fields": ["AI"], "minimum_stage": 3}
        assert (await client.post("/v1/subscriptions", json=body, headers=keys[name])).is_success
    trainee = await candidate(app, stage=3, cohort="consent-1")
    assert (await client.get(f"/v1/candidates/{trainee}", headers=keys["firm"])).status_code == 200
    await _opening(client, keys["firm"], "consent-op", seats=1)
    offer = await client.post(
        "/v1/offers",
        json={"opening_id": "consent-op", "trainee_id": trainee},
        headers=keys["firm"],
    )
    assert offer.status_code == 201, offer.text

    changed = enr.ConsentChanged(trainee_id=trainee, share_with_firms=False, changed_at=AT)
    await feed_events(app, changed)

    for name in ("firm", "other_firm"):
        entries = await whole_feed(client, keys[name])
        [gone] = [
            e for e in entries if e["kind"] == "candidate-withdrawn" and e["trainee_id"] == trainee
        ]
        assert gone["data"] == {"reason": "consent_withdrawn"}
        refused = await client.get(f"/v1/candidates/{trainee}", headers=keys[name])
        assert refused.status_code == 404
        # Reading the feed from the start again no longer shows the profile.
        [earlier] = [
            e for e in entries if e["kind"] == "candidate-delivered" and e["trainee_id"] == trainee
        ]
        assert earlier["data"] == {"redacted": "consent_withdrawn"}
    offers = (await client.get("/v1/offers", headers=keys["firm"])).json()
    assert [o["status"] for o in offers if o["trainee_id"] == trainee] == ["expired"]
    withdrawn = await app.state.pool.fetchval(
        """SELECT count(*) FROM outbox WHERE event_type = $1 AND data->>'trainee_id' = $2""",
        "traintrack.matching.candidate-withdrawn.v1",
        trainee,
    )
    assert withdrawn == 2

    await feed_events(
        app, enr.ConsentChanged(trainee_id=trainee, share_with_firms=True, changed_at=AT)
    )
    assert delivered(await whole_feed(client, keys["firm"])).count(trainee) == 2  # shown again
    # Every disclosure is on record for operators: who, to whom, when, how often.
    log = await client.get(
        "/v1/disclosures", params={"trainee_id": trainee}, headers=keys["operator"]
    )
    by_firm = {d["firm_id"]: d for d in log.json()}
    assert set(by_firm) == {"firm-a", "firm-b"}
    assert (by_firm["firm-a"]["deliveries"], by_firm["firm-a"]["withdrawals"]) == (2, 1)
    assert by_firm["firm-a"]["shown"] and by_firm["firm-b"]["shown"]  # consent given again
    assert (await client.get("/v1/disclosures", headers=keys["firm"])).status_code == 403


async def test_certification_revocation_withdraws_the_candidate_from_firms_that_received_them(
    service, client, keys
):
    app, _ = service
    body = {"subscription_id": "c-certified", "minimum_stage": 4}
    assert (
        await client.post("/v1/subscriptions", json=body, headers=keys["third_firm"])
    ).is_success
    trainee = await candidate(app, stage=4, cohort="revoke-1")
    certified = ev.Certified(
        **ids(trainee),
        programme_id="p-1",
        credential_id="cred-1",
        issued_at=AT,
        valid_until=datetime(2029, 9, 1, tzinfo=UTC),
        **SCHEME,
    )
    await feed_events(app, certified)
    entries = await whole_feed(client, keys["third_firm"])
    assert trainee in delivered(entries)

    revoked = ev.CertificationRevoked(
        **ids(trainee),
        credential_id="cred-1",
        cause="basis_withdrawn",
        reason="score corrected",
        revoked_at=AT,
    )
    await feed_events(app, revoked)
    entries = await whole_feed(client, keys["third_firm"])
    assert [
        e["data"]["reason"]
        for e in entries
        if e["kind"] == "candidate-withdrawn" and e["trainee_id"] == trainee
    ] == ["certification_revoked"]
    assert (
        await client.get(f"/v1/candidates/{trainee}", headers=keys["third_firm"])
    ).status_code == 404


async def test_webhooks_are_signed_retried_with_backoff_and_bring_each_candidate_once(
    service, client, keys
):
    app, _ = service
    with WebhookReceiver(fail_first=2) as receiver:
        made = await client.post(
            "/v1/webhooks", json={"url": receiver.url}, headers=keys["other_firm"]
        )
        assert made.status_code == 201, made.text
        receiver.secret = made.json()["secret"]
        hook = made.json()["webhook_id"]
        body = {"subscription_id": "b-hooks", "skills": ["rust"], "minimum_stage": 2}
        assert (
            await client.post("/v1/subscriptions", json=body, headers=keys["other_firm"])
        ).is_success
        trainees = [
            await candidate(app, stage=2, cohort="hooks-1", skills=("rust",)) for _ in range(5)
        ]

        head = (await client.get("/v1/feed", headers=keys["other_firm"])).json()["head"]
        await eventually(
            lambda: asyncio.sleep(0, [e["seq"] for e in receiver.accepted][-1:] == [head]),
            timeout=60,
        )

    seqs = [e["seq"] for e in receiver.accepted]
    assert seqs == list(range(1, head + 1))  # in order, no gap, no duplicate
    got = delivered(receiver.accepted)
    assert all(got.count(t) == 1 for t in trainees)
    assert receiver.bad_signatures == 0
    status = (await client.get("/v1/webhooks", headers=keys["other_firm"])).json()
    assert status == [status[0]] and status[0]["pending"] == 0 and status[0]["failures"] == 0
    attempts = (
        await client.get(f"/v1/webhooks/{hook}/attempts", headers=keys["other_firm"])
    ).json()
    oldest = list(reversed(attempts))
    assert [a["status_code"] for a in oldest][:3] == [500, 500, 204]
    # Backoff: 1-2 s after the first failure, 2-4 s after the second.
    gaps = [
        (
            datetime.fromisoformat(b["attempted_at"]) - datetime.fromisoformat(a["attempted_at"])
        ).total_seconds()
        for a, b in itertools.pairwise(oldest[:3])
    ]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps
    foreign = await client.get(f"/v1/webhooks/{hook}/attempts", headers=keys["firm"])
    assert foreign.status_code == 404


async def test_a_rotated_webhook_secret_keeps_deliveries_verifiable_with_the_old_one(
    service, client, keys
):
    app, _ = service
    with WebhookReceiver() as receiver:
        made = await client.post(
            "/v1/webhooks", json={"url": receiver.url}, headers=keys["third_firm"]
        )
        receiver.secret = made.json()["secret"]  # the receiver has not switched yet
        rotated = await client.post(
            f"/v1/webhooks/{made.json()['webhook_id']}/rotate-secret", headers=keys["third_firm"]
        )
        assert rotated.json()["secret"] != receiver.secret
        body = {"subscription_id": "c-rotation", "skills": ["go"], "minimum_stage": 2}
        await client.post("/v1/subscriptions", json=body, headers=keys["third_firm"])
        trainee = await candidate(app, stage=2, cohort="rotation-1", skills=("go",))
        await eventually(lambda: asyncio.sleep(0, trainee in delivered(receiver.accepted)))
    assert receiver.bad_signatures == 0


async def test_the_live_stream_sends_the_feed_as_server_sent_events_and_resumes(
    service, client, keys
):
    app, _ = service
    body = {"subscription_id": "c-stream", "skills": ["kotlin"], "minimum_stage": 2}
    await client.post("/v1/subscriptions", json=body, headers=keys["third_firm"])
    head = (await client.get("/v1/feed", headers=keys["third_firm"])).json()["head"]

    async def read(headers, count):
        got = []
        async with client.stream("GET", "/v1/feed/stream", headers=headers) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            event = {}
            async for line in response.aiter_lines():
                if line.startswith(("id:", "event:", "data:")):
                    name, _, value = line.partition(": ")
                    event[name.rstrip(":")] = value
                elif not line and "id" in event:
                    got.append(event)
                    event = {}
                    if len(got) == count:
                        return got
        return got

    reader = asyncio.create_task(read(keys["third_firm"] | {"Last-Event-ID": str(head)}, 2))
    first, second = [
        await candidate(app, stage=2, cohort="stream-1", skills=("kotlin",)) for _ in range(2)
    ]
    got = await asyncio.wait_for(reader, 30)
    assert [int(e["id"]) for e in got] == [head + 1, head + 2]
    assert [json.loads(e["data"])["trainee_id"] for e in got] == [first, second]
    assert {e["event"] for e in got} == {"candidate-delivered"}

    resumed = await asyncio.wait_for(
        read(keys["third_firm"] | {"Last-Event-ID": str(head + 1)}, 1), 30
    )
    assert [int(e["id"]) for e in resumed] == [head + 2]


async def _opening(client, headers, opening_id, seats, skills=("python",), minimum_stage=3):
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


async def test_a_round_fills_seats_stably_explains_itself_and_declined_seats_refill(
    service, client, keys
):
    app, _ = service
    await _opening(client, keys["firm"], "round-a", seats=1)
    await _opening(client, keys["other_firm"], "round-b", seats=1)
    ana, bo, cy = [await candidate(app, stage=3, cohort="round-1") for _ in range(3)]
    opened = await client.post(
        "/v1/rounds",
        json={"round_id": "r-1", "opening_ids": ["round-a", "round-b"]},
        headers=keys["operator"],
    )
    assert opened.status_code == 201, opened.text
    for trainee, ranking in (
        (ana, ["round-a", "round-b"]),
        (bo, ["round-a"]),
        (cy, ["round-b", "round-a"]),
    ):
        put = await client.put(
            f"/v1/rounds/r-1/candidates/{trainee}/ranking",
            json={"opening_ids": ranking},
            headers=keys["institute"],
        )
        assert put.status_code == 204, put.text
    applicants = await client.get(
        "/v1/rounds/r-1/openings/round-a/applicants", headers=keys["firm"]
    )
    assert {a["trainee_id"] for a in applicants.json()} == {ana, bo, cy}
    ranked = await client.put(
        "/v1/rounds/r-1/openings/round-a/ranking",
        json={"trainee_ids": [bo, ana, cy]},
        headers=keys["firm"],
    )
    assert ranked.status_code == 204

    result = await client.post("/v1/rounds/r-1/solve", headers=keys["operator"])
    assert result.status_code == 200, result.text
    assert result.json() | {"solve_seconds": 0} == {
        "round_id": "r-1",
        "candidates": 3,
        "openings": 2,
        "matched": 2,
        "seats": 2,
        "blocking_pairs": 0,
        "solve_seconds": 0,
    }
    offers = {
        o["trainee_id"]: o
        for o in (
            await client.get("/v1/offers", params={"status": "pending"}, headers=keys["operator"])
        ).json()
    }
    assert offers[bo]["opening_id"] == "round-a"
    assert {ana, cy} & set(offers) and len({ana, cy} & set(offers)) == 1
    unplaced = ({ana, cy} - set(offers)).pop()
    why = await client.get(
        f"/v1/rounds/r-1/candidates/{unplaced}/explanation", headers=keys["institute"]
    )
    assert why.json()["reasons"][-1].startswith("no seat in this round")

    placed_b = ({ana, cy} & set(offers)).pop()
    declined = await client.post(
        f"/v1/offers/{offers[placed_b]['offer_id']}/decline", headers=keys["institute"]
    )
    assert declined.json()["status"] == "declined"
    assert (await client.get("/v1/openings/round-b", headers=keys["other_firm"])).json()[
        "seats_offered"
    ] == 0

    await client.post(
        "/v1/rounds", json={"round_id": "r-2", "opening_ids": ["round-b"]}, headers=keys["operator"]
    )
    await client.put(
        f"/v1/rounds/r-2/candidates/{unplaced}/ranking",
        json={"opening_ids": ["round-b"]},
        headers=keys["institute"],
    )
    second = await client.post("/v1/rounds/r-2/solve", headers=keys["operator"])
    assert second.json()["matched"] == 1


async def test_an_accepted_offer_becomes_an_internship_that_converts_to_a_hire(
    service, client, keys
):
    app, _ = service
    body = {"subscription_id": "a-direct", "skills": ["scala"], "minimum_stage": 3}
    await client.post("/v1/subscriptions", json=body, headers=keys["firm"])
    trainee = await candidate(app, stage=3, cohort="direct-1", skills=("scala",))
    await _opening(client, keys["firm"], "direct-op", seats=1)
    offer = (
        await client.post(
            "/v1/offers",
            json={"opening_id": "direct-op", "trainee_id": trainee},
            headers=keys["firm"],
        )
    ).json()
    full = await client.post(
        "/v1/offers", json={"opening_id": "direct-op", "trainee_id": trainee}, headers=keys["firm"]
    )
    assert full.status_code == 409  # the one seat is held by the pending offer
    other_institute = await client.post(
        f"/v1/offers/{offer['offer_id']}/accept", headers=keys["other_institute"]
    )
    assert other_institute.status_code == 404
    accepted = await client.post(
        f"/v1/offers/{offer['offer_id']}/accept", headers=keys["institute"]
    )
    assert accepted.json()["status"] == "accepted"
    again = await client.post(f"/v1/offers/{offer['offer_id']}/decline", headers=keys["institute"])
    assert again.status_code == 409

    [internship] = [
        i
        for i in (await client.get("/v1/internships", headers=keys["firm"])).json()
        if i["trainee_id"] == trainee
    ]
    path = f"/v1/internships/{internship['internship_id']}"
    early = await client.post(
        f"{path}/complete", json={"completed_on": "2027-02-26"}, headers=keys["firm"]
    )
    assert early.status_code == 409
    foreign = await client.post(
        f"{path}/start", json={"started_on": "2026-12-01"}, headers=keys["other_firm"]
    )
    assert foreign.status_code == 404
    assert (
        await client.post(f"{path}/start", json={"started_on": "2026-12-01"}, headers=keys["firm"])
    ).is_success
    done = await client.post(
        f"{path}/complete",
        json={
            "completed_on": "2027-02-26",
            "hire": {"starts_on": "2027-03-02", "employment_type": "permanent", "insured": True},
        },
        headers=keys["firm"],
    )
    assert done.json()["converted"] is True
    kinds = await app.state.pool.fetch(
        "SELECT event_type FROM outbox WHERE data->>'trainee_id' = $1 ORDER BY id", trainee
    )
    assert [k["event_type"].split(".")[2] for k in kinds][-5:] == [
        "offer-made",
        "offer-accepted",
        "internship-started",
        "internship-completed",
        "hired",
    ]


async def test_firms_see_only_their_own_and_bad_input_names_the_field(service, client, keys):
    app, _ = service
    await _opening(client, keys["firm"], "mine-op", seats=2)
    assert (await client.get("/v1/openings/mine-op", headers=keys["other_firm"])).status_code == 404
    assert "mine-op" not in {
        o["opening_id"]
        for o in (await client.get("/v1/openings", headers=keys["other_firm"])).json()
    }
    assert "mine-op" in {
        o["opening_id"]
        for o in (await client.get("/v1/openings", headers=keys["institute"])).json()
    }
    # Nothing firm-a subscribes to (python, AI, scala) matches this candidate.
    stranger = await candidate(
        app, stage=3, cohort="own-1", institute="inst-b", skills=("cobol",), field="Robotics"
    )
    refused = await client.post(
        "/v1/offers", json={"opening_id": "mine-op", "trainee_id": stranger}, headers=keys["firm"]
    )
    assert refused.status_code == 404  # never shown to this firm
    subs = (await client.get("/v1/subscriptions", headers=keys["other_firm"])).json()
    assert all(s["firm_id"] == "firm-b" for s in subs)
    body = {"subscription_id": "a-own", "skills": ["fortran"]}
    assert (await client.post("/v1/subscriptions", json=body, headers=keys["firm"])).is_success
    cancel = await client.delete("/v1/subscriptions/a-own", headers=keys["other_firm"])
    assert cancel.status_code == 404
    assert (await client.delete("/v1/subscriptions/a-own", headers=keys["firm"])).status_code == 204

    too_low = await client.post(
        "/v1/openings",
        json={
            "opening_id": "low-op",
            "title": "x",
            "seats": 1,
            "minimum_stage": 2,
            "starts_on": "2026-12-01",
            "ends_on": "2027-01-01",
        },
        headers=keys["firm"],
    )
    assert too_low.status_code == 422
    assert too_low.headers["content-type"] == "application/problem+json"
    assert "minimum_stage" in json.dumps(too_low.json())
    http_hook = await client.post("/v1/webhooks", json={"url": "not a url"}, headers=keys["firm"])
    assert http_hook.status_code == 422 and "url" in json.dumps(http_hook.json())


async def test_an_unanswered_offer_expires_and_frees_its_seat(service, client, keys):
    app, _ = service
    body = {"subscription_id": "b-expiry", "skills": ["haskell"], "minimum_stage": 3}
    await client.post("/v1/subscriptions", json=body, headers=keys["other_firm"])
    trainee = await candidate(app, stage=3, cohort="expiry-1", skills=("haskell",))
    await _opening(client, keys["other_firm"], "expiry-op", seats=1)
    made = await client.post(
        "/v1/offers",
        json={"opening_id": "expiry-op", "trainee_id": trainee, "valid_days": 1},
        headers=keys["other_firm"],
    )
    offer = made.json()
    await app.state.pool.execute(  # a day passes
        "UPDATE offers SET expires_at = now() - interval '1 second' WHERE offer_id = $1",
        offer["offer_id"],
    )
    late = await client.post(f"/v1/offers/{offer['offer_id']}/accept", headers=keys["institute"])
    assert late.status_code == 409 and "expired" in late.json()["detail"]

    swept = await client.post("/v1/offers/expire-due", headers=keys["operator"])
    assert swept.json() == {"expired": 1}
    opening = (await client.get("/v1/openings/expiry-op", headers=keys["other_firm"])).json()
    assert opening["seats_offered"] == 0 and opening["seats_taken"] == 0
    entries = await whole_feed(client, keys["other_firm"])
    assert [e["kind"] for e in entries if e["trainee_id"] == trainee][-1] == "offer-expired"
    again = await client.post(
        "/v1/offers",
        json={"opening_id": "expiry-op", "trainee_id": trainee},
        headers=keys["other_firm"],
    )
    assert again.status_code == 201


async def test_rounds_refuse_other_tenants_at_every_step(service, client, keys):
    app, _ = service
    await _opening(client, keys["firm"], "tenant-op", seats=1)
    trainee = await candidate(app, stage=3, cohort="tenant-1")  # of inst-a
    opened = await client.post(
        "/v1/rounds",
        json={"round_id": "r-tenant", "opening_ids": ["tenant-op"]},
        headers=keys["operator"],
    )
    assert opened.status_code == 201
    ranking = {"opening_ids": ["tenant-op"]}
    path = f"/v1/rounds/r-tenant/candidates/{trainee}/ranking"
    assert (
        await client.put(path, json=ranking, headers=keys["other_institute"])
    ).status_code == 404
    assert (await client.put(path, json=ranking, headers=keys["institute"])).status_code == 204
    outside = await client.put(path, json={"opening_ids": ["round-a"]}, headers=keys["institute"])
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "opening_ids"

    applicants = "/v1/rounds/r-tenant/openings/tenant-op/applicants"
    assert (await client.get(applicants, headers=keys["other_firm"])).status_code == 404
    stranger = await client.put(
        "/v1/rounds/r-tenant/openings/tenant-op/ranking",
        json={"trainee_ids": ["tr-nobody"]},
        headers=keys["firm"],
    )
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "trainee_ids"
    assert (await client.post("/v1/rounds/r-tenant/solve", headers=keys["operator"])).is_success
    why = f"/v1/rounds/r-tenant/candidates/{trainee}/explanation"
    assert (await client.get(why, headers=keys["other_institute"])).status_code == 404
    assert (await client.get(why, headers=keys["institute"])).json()["reasons"] == [
        "placed at tenant-op, your choice 1"
    ]
    again = await client.post("/v1/rounds/r-tenant/solve", headers=keys["operator"])
    assert again.status_code == 409


async def test_losing_the_stage_an_opening_requires_lapses_its_offer_and_scores_average_sides(
    service, client, keys
):
    app, _ = service
    body = {"subscription_id": "c-stage", "skills": ["erlang"], "minimum_stage": 2}
    await client.post("/v1/subscriptions", json=body, headers=keys["third_firm"])
    trainee = await candidate(app, stage=3, cohort="stage-1", skills=("erlang",))
    for side, value in (("institute", 80.0), ("firm", 70.0)):
        await feed_events(
            app,
            ev.AssessmentRecorded(
                **ids(trainee),
                stage=3,
                attempt=1,
                evidence="rubric",
                value=value,
                side=side,
                recorded_at=AT,
            ),
        )
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["third_firm"])).json()
    assert profile["score"] == 75.0
    await _opening(client, keys["third_firm"], "stage-op", seats=2)
    offer = {"opening_id": "stage-op", "trainee_id": trainee}
    assert (await client.post("/v1/offers", json=offer, headers=keys["third_firm"])).is_success
    twice = await client.post("/v1/offers", json=offer, headers=keys["third_firm"])
    assert twice.status_code == 409  # one seat per candidate, even with seats to spare

    withdrawn = ev.StagePassWithdrawn(**ids(trainee), stage=3, decided_at=AT, **SCHEME)
    await feed_events(app, withdrawn)
    # Still shown under the stage-2 subscription, but no longer eligible for the opening.
    assert (await client.get(f"/v1/candidates/{trainee}", headers=keys["third_firm"])).is_success
    offers = (await client.get("/v1/offers", headers=keys["third_firm"])).json()
    assert [o["status"] for o in offers if o["trainee_id"] == trainee] == ["expired"]


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


async def test_a_manual_revocation_tells_every_firm_that_received_the_candidate_with_the_reason(
    service, client, keys
):
    app, _ = service
    await subscribe(client, keys["firm"], "a-manual", "ocaml", 2)
    await subscribe(client, keys["other_firm"], "b-manual", "ocaml", 4)
    trainee = await candidate(app, stage=4, cohort="manual-1", skills=("ocaml",))
    await feed_events(app, certified(trainee, "cred-manual"))
    for name in ("firm", "other_firm"):
        assert trainee in delivered(await whole_feed(client, keys[name]))

    await feed_events(app, revoked(trainee, "cred-manual", "plagiarism in the final project"))

    told = {
        "reason": "certification_revoked",
        "revoked": [
            {
                "credential_id": "cred-manual",
                "programme_id": "p-1",
                "reason": "plagiarism in the final project",
            }
        ],
    }
    for name in ("firm", "other_firm"):  # the stage-2 firm too: a revoked course is no basis
        entries = await whole_feed(client, keys[name])
        assert about(entries, trainee, "candidate-withdrawn") == [told]
        refused = await client.get(f"/v1/candidates/{trainee}", headers=keys[name])
        assert refused.status_code == 404
    reasons = await app.state.pool.fetch(
        """SELECT data->>'reason' AS reason FROM outbox
           WHERE event_type = $1 AND data->>'trainee_id' = $2
             AND data->>'firm_id' = ANY($3::text[])""",
        "traintrack.matching.candidate-withdrawn.v1",
        trainee,
        ["firm-a", "firm-b"],  # (other firms' subscriptions in this module may match too)
    )
    assert [r["reason"] for r in reasons] == ["certification_revoked"] * 2

    # Later evidence on the same course brings nothing back; only a reinstatement does.
    await feed_events(app, passed(trainee, 4))
    for name in ("firm", "other_firm"):
        assert delivered(await whole_feed(client, keys[name])).count(trainee) == 1
    reinstated = ev.CertificationReinstated(
        **ids(trainee), credential_id="cred-manual", reason="appeal upheld", reinstated_at=AT
    )
    await feed_events(app, reinstated)
    for name in ("firm", "other_firm"):
        entries = await whole_feed(client, keys[name])
        assert delivered(entries).count(trainee) == 2
        profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys[name])).json()
        assert (profile["stage_reached"], profile["certified"]) == (4, True)
        assert profile["certifications"] == [
            {"programme_id": "p-1", "credential_id": "cred-manual"}
        ]


@pytest.mark.parametrize("revocation_first", [True, False], ids=["revocation-first", "stage-first"])
async def test_a_broken_basis_is_told_as_certification_revoked_not_stage_withdrawn(
    service, client, keys, revocation_first
):
    app, _ = service
    skill = f"prolog-{revocation_first}".lower()
    await subscribe(client, keys["third_firm"], f"c-basis-{revocation_first}".lower(), skill, 4)
    trainee = await candidate(app, stage=4, cohort="basis-1", skills=(skill,))
    await feed_events(app, certified(trainee, f"cred-basis-{trainee}"))
    assert trainee in delivered(await whole_feed(client, keys["third_firm"]))

    change = [
        revoked(
            trainee, f"cred-basis-{trainee}", "presentation score corrected", "basis_withdrawn"
        ),
        ev.StagePassWithdrawn(**ids(trainee), stage=4, decided_at=AT, **SCHEME),
    ]
    await feed_events(app, *(change if revocation_first else reversed(change)))

    entries = await whole_feed(client, keys["third_firm"])
    # Told once, when the first event of the change arrived, with what was known then.
    reason = (
        "presentation score corrected"
        if revocation_first
        else ("basis withdrawn: stage 4 no longer held")
    )
    assert about(entries, trainee, "candidate-withdrawn") == [
        {
            "reason": "certification_revoked",
            "revoked": [
                {"credential_id": f"cred-basis-{trainee}", "programme_id": "p-1", "reason": reason}
            ],
        }
    ]
    assert [e["kind"] for e in entries if e["trainee_id"] == trainee][-1] == "candidate-withdrawn"
    shown = await client.get(f"/v1/candidates/{trainee}", headers=keys["operator"])
    assert (shown.json()["stage_reached"], shown.json()["certified"]) == (0, False)


async def test_a_repeat_participants_second_course_does_not_withdraw_them(service, client, keys):
    app, _ = service
    await subscribe(client, keys["firm"], "a-repeat", "elixir", 4)
    trainee = await candidate(app, stage=4, cohort="repeat-ai", skills=("elixir",))
    await feed_events(app, certified(trainee, "cred-repeat-ai"))
    assert trainee in delivered(await whole_feed(client, keys["firm"]))
    first = ids(trainee)

    # A second course, in another programme: one day in, stage 1, then dropped.
    await enroll(
        app, trainee, stage=1, cohort="repeat-cloud", skills=("terraform",), programme="p-2"
    )
    second = ids(trainee)
    dropped = enr.EnrollmentDropped(
        **second, dropped_on=datetime(2026, 10, 5).date(), reason="other"
    )
    await feed_events(app, dropped)

    entries = await whole_feed(client, keys["firm"])
    assert about(entries, trainee, "candidate-withdrawn") == []
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["firm"])).json()
    assert profile | {"trainee_id": "t", "available_from": None} == {
        "trainee_id": "t",
        "institute_id": "inst-a",
        "stage_reached": 4,
        "certified": True,
        "certifications": [{"programme_id": "p-1", "credential_id": "cred-repeat-ai"}],
        "skills": ["elixir"],
        "field": "AI",
        "fields": ["AI"],
        "region_code": "30",
        "score": 0.0,
        "status": "dropped",  # the latest course
        "available_from": None,
    }

    # A third course certified too, then the first credential revoked: still shown
    # through the other, told as an update naming the revoked credential.
    await enroll(app, trainee, stage=4, cohort="repeat-data", skills=("sql",), programme="p-3")
    await feed_events(app, certified(trainee, "cred-repeat-data", programme="p-3"))
    await feed_events(
        app,
        ev.CertificationRevoked(
            **first,
            credential_id="cred-repeat-ai",
            cause="manual",
            reason="forged attendance",
            revoked_at=AT,
        ),
    )
    entries = await whole_feed(client, keys["firm"])
    assert about(entries, trainee, "candidate-withdrawn") == []
    last = about(entries, trainee, "candidate-updated")[-1]
    assert last["revoked"] == [
        {"credential_id": "cred-repeat-ai", "programme_id": "p-1", "reason": "forged attendance"}
    ]
    assert last["candidate"]["certifications"] == [
        {"programme_id": "p-3", "credential_id": "cred-repeat-data"}
    ]
    assert (last["candidate"]["stage_reached"], last["candidate"]["skills"]) == (4, ["sql"])


async def test_version_1_evaluation_events_apply_to_the_latest_enrollment(service, client, keys):
    app, _ = service
    await subscribe(client, keys["other_firm"], "b-v1", "cobol85", 4)
    trainee = await candidate(app, stage=0, cohort="v1-1", skills=("cobol85",), programme="p-v1")
    at = {"decided_at": AT, **SCHEME}
    await feed_events(
        app,
        *(
            v1.StagePassedV1(
                trainee_id=trainee, stage=s, stage_name=f"s{s}", attempt=1, unlocks=[], **at
            )
            for s in range(1, 5)
        ),
        v1.CertifiedV1(
            trainee_id=trainee,
            credential_id="cred-v1",
            issued_at=AT,
            valid_until=datetime(2029, 9, 1, tzinfo=UTC),
            **SCHEME,
        ),
    )
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["other_firm"])).json()
    assert profile["certifications"] == [{"programme_id": "p-v1", "credential_id": "cred-v1"}]
    await feed_events(
        app,
        v1.CertificationRevokedV1(
            trainee_id=trainee, credential_id="cred-v1", reason="score corrected", revoked_at=AT
        ),
    )
    entries = await whole_feed(client, keys["other_firm"])
    assert [d["reason"] for d in about(entries, trainee, "candidate-withdrawn")] == [
        "certification_revoked"
    ]
    ended = enr.EnrollmentNotCompleted(
        **ids(trainee),
        ended_on=date(2026, 8, 28),
        attendance_rate=0.74,
        decided_on=date(2026, 9, 4),
    )
    await feed_events(app, ended)
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["operator"])).json()
    assert (profile["status"], profile["stage_reached"], profile["certified"]) == (
        "not_completed",
        0,  # the one course's credential was revoked
        False,
    )
    rows = await app.state.pool.fetch(
        "SELECT enrollment_id, passed_stages FROM enrollments WHERE trainee_id = $1", trainee
    )
    assert [(r["enrollment_id"], r["passed_stages"]) for r in rows] == [
        (ids(trainee)["enrollment_id"], [1, 2, 3, 4])
    ]


async def _old_store(database, tmp_path):
    """A store as version 0002 left it: one row per trainee."""
    old = tmp_path / "old"
    old.mkdir()
    for applied in ("0001.matching.sql", "0002.offer-uniqueness-rubric.sql"):
        shutil.copy(MIGRATIONS / applied, old / applied)
    await asyncio.to_thread(migrate, database, old)
    conn = await asyncpg.connect(database)
    try:
        await conn.execute("INSERT INTO firms (firm_id, name, region_code) VALUES ('f', 'F', '30')")
        await conn.execute(
            """INSERT INTO cohorts VALUES ('c-old', 'p-old', 'inst-a', 'AI', '{python}', '30',
                                          '2025-08-29')"""
        )
        await conn.executemany(
            """INSERT INTO candidates (trainee_id, institute_id, region_code, cohort_id, consent,
                   passed_stages, stage_reached, certified, certification_revoked, score,
                   status, rubric)
               VALUES ($1, 'inst-a', '30', $2, true, $3, $4, $5, $6, $7, $8, $9)""",
            [
                (
                    "t-plain",
                    "c-old",
                    [1, 2, 3],
                    3,
                    False,
                    False,
                    75.0,
                    "completed",
                    json.dumps({"institute": 80.0, "firm": 70.0}),
                ),
                ("t-cert", "c-old", [1, 2, 3, 4], 4, True, False, 90.0, "completed", "{}"),
                ("t-revoked", "c-old", [1, 2, 3, 4], 4, True, True, 60.0, "completed", "{}"),
                ("t-registered", None, [], 0, False, False, 0.0, "in_training", "{}"),
            ],
        )
        await conn.execute(
            """INSERT INTO disclosures (firm_id, trainee_id, shown, minimum_stage, reason,
                                        stage_shown, certified_shown)
               VALUES ('f', 't-cert', true, 4, 'subscription', 4, true)"""
        )
    finally:
        await conn.close()


async def test_a_store_of_one_row_per_trainee_migrates_to_one_enrollment_each(platform, tmp_path):
    database = await platform.fresh_database("matching_migration")
    await _old_store(database, tmp_path)
    pool = await create_pool(database, migrations=MIGRATIONS)
    try:
        enrollments = await pool.fetch(
            """SELECT enrollment_id, trainee_id, cohort_id, placeholder, status, passed_stages,
                      score FROM enrollments ORDER BY trainee_id"""
        )
        assert [tuple(r) for r in enrollments] == [
            ("migrated:t-cert", "t-cert", "c-old", True, "completed", [1, 2, 3, 4], 90.0),
            ("migrated:t-plain", "t-plain", "c-old", True, "completed", [1, 2, 3], 75.0),
            ("migrated:t-revoked", "t-revoked", "c-old", True, "completed", [1, 2, 3, 4], 60.0),
        ]
        credentials = await pool.fetch(
            "SELECT credential_id, programme_id, revoked FROM certifications ORDER BY 1"
        )
        assert [tuple(r) for r in credentials] == [
            ("migrated:t-cert", "p-old", False),
            ("migrated:t-revoked", "p-old", True),
        ]
        people = await pool.fetch(
            """SELECT trainee_id, stage_reached, certified, skills, fields, field,
                      available_from FROM candidates ORDER BY trainee_id"""
        )
        assert [tuple(r) for r in people] == [
            ("t-cert", 4, True, ["python"], ["AI"], "AI", date(2025, 8, 29)),
            ("t-plain", 3, False, ["python"], ["AI"], "AI", date(2025, 8, 29)),
            ("t-registered", 0, False, [], [], None, None),
            ("t-revoked", 0, False, ["python"], ["AI"], "AI", date(2025, 8, 29)),
        ]

        # The real enrollment and credential, named by a version-2 event, adopt the rows;
        # the firm shown the certification hears it was revoked, with the reason.
        real = {"trainee_id": "t-cert", "enrollment_id": "en-real", "cohort_id": "c-old"}
        await feed_pool(
            pool,
            ev.CertificationRevoked(
                **real, credential_id="cred-real", cause="manual", reason="forged", revoked_at=AT
            ),
        )
        assert (
            await pool.fetchval(
                "SELECT enrollment_id FROM certifications WHERE credential_id = 'cred-real'"
            )
            == "en-real"
        )
        told = await pool.fetchval(
            "SELECT body FROM feed WHERE firm_id = 'f' AND kind = 'candidate-withdrawn'"
        )
        assert told == {
            "reason": "certification_revoked",
            "revoked": [
                {"credential_id": "cred-real", "programme_id": "p-old", "reason": "forged"}
            ],
        }
        assert await pool.fetchval("SELECT count(*) FROM enrollments") == 3
    finally:
        await pool.close()


async def test_facts_arriving_before_their_enrollment_or_issue_are_kept(service, client, keys):
    app, _ = service
    trainee = factories.trainee_id()
    await feed_events(
        app,
        factories.trainee_registered(trainee_id=trainee, institute_id="inst-a"),
        # A version-1 pass before any enrollment is known (another topic, replayed faster).
        v1.StagePassedV1(
            trainee_id=trainee,
            stage=1,
            stage_name="s1",
            attempt=1,
            unlocks=[],
            decided_at=AT,
            **SCHEME,
        ),
    )
    await enroll(app, trainee, stage=0, cohort="early-1", skills=("lua",))
    rows = await app.state.pool.fetch(
        "SELECT enrollment_id, passed_stages, placeholder FROM enrollments WHERE trainee_id = $1",
        trainee,
    )
    assert [tuple(r) for r in rows] == [(ids(trainee)["enrollment_id"], [1], False)]

    # A revocation before the issue it revokes: the issue arriving later stays revoked.
    await feed_events(
        app,
        *(passed(trainee, s) for s in (2, 3, 4)),
        revoked(trainee, "cred-early", "issued in error"),
        certified(trainee, "cred-early"),
    )
    profile = (await client.get(f"/v1/candidates/{trainee}", headers=keys["operator"])).json()
    assert (profile["stage_reached"], profile["certified"], profile["certifications"]) == (
        0,
        False,
        [],
    )
