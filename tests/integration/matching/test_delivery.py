"""Delivery to firms on a real database over real HTTP: subscriptions, consent,
revocation, webhooks and the live stream."""

import asyncio
import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.utils.matching import (
    AT,
    PROFILE_KEYS,
    SCHEME,
    candidate,
    delivered,
    feed_events,
    ids,
    passed,
    publish_opening,
    whole_feed,
)
from tests.utils.platform import eventually
from tests.utils.servers import WebhookReceiver
from traintrack.contracts import enrollment as enr
from traintrack.contracts import evaluation as ev

pytestmark = pytest.mark.integration


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
    await publish_opening(client, keys["firm"], "consent-op", seats=1)
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
    service, client, keys, receiver_port
):
    app, _ = service
    with WebhookReceiver(fail_first=2, port=receiver_port) as receiver:
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
    # `webhook-id` names the range sent: a retry starts where the failed attempt did.
    assert all(call["id"].startswith(f"{hook}:1-") for call in receiver.calls[:3])
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


async def test_a_webhook_delivery_is_one_trace_of_its_poll_and_idle_polls_leave_none(
    service, client, keys, receiver_port, spans
):
    app, _ = service
    firm = keys["firm"]
    with WebhookReceiver(port=receiver_port) as receiver:
        made = await client.post("/v1/webhooks", json={"url": receiver.url}, headers=firm)
        assert made.status_code == 201, made.text
        receiver.secret = made.json()["secret"]
        body = {"subscription_id": "a-traced", "skills": ["go"], "minimum_stage": 2}
        assert (await client.post("/v1/subscriptions", json=body, headers=firm)).is_success
        await candidate(app, stage=2, cohort="traced-1", skills=("go",))
        await eventually(lambda: asyncio.sleep(0, bool(receiver.accepted)), timeout=60)
        await asyncio.sleep(1)  # ten idle polls of the dispatcher at least
        hook = made.json()["webhook_id"]  # the receiver's port is the next test's too
        assert (await client.delete(f"/v1/webhooks/{hook}", headers=firm)).status_code == 204

    finished = spans.get_finished_spans()
    [deliver, *_] = [s for s in finished if s.name == "webhook deliver"]
    assert deliver.attributes["traintrack.webhook_id"] == hook
    polls = [s for s in finished if s.name == "poll webhook-dispatch"]
    [poll] = [s for s in polls if s.context.trace_id == deliver.context.trace_id]
    assert poll.parent is None and deliver.parent.span_id == poll.context.span_id
    assert "idle" not in {s.attributes["traintrack.poll.outcome"] for s in polls}


async def test_after_a_rotation_both_secrets_sign_for_the_grace_period_and_then_only_the_new(
    service, client, keys, receiver_port, clock
):
    app, _ = service
    firm = keys["third_firm"]
    with WebhookReceiver(port=receiver_port) as receiver:
        made = await client.post("/v1/webhooks", json={"url": receiver.url}, headers=firm)
        hook, first = made.json()["webhook_id"], made.json()["secret"]
        receiver.secret = first  # the receiver has not switched yet
        rotated = await client.post(f"/v1/webhooks/{hook}/rotate-secret", headers=firm)
        assert rotated.status_code == 200, rotated.text
        second = rotated.json()["secret"]
        assert second.startswith("whsec_") and second != first
        receiver.also = (first, second)
        body = {"subscription_id": "c-rotation", "skills": ["go"], "minimum_stage": 2}
        await client.post("/v1/subscriptions", json=body, headers=firm)
        trainee = await candidate(app, stage=2, cohort="rotation-1", skills=("go",))
        await eventually(lambda: asyncio.sleep(0, trainee in delivered(receiver.accepted)))
        during = receiver.calls[-1]
        assert during["verified_by"] == [first, second] and len(during["signatures"]) == 2

        # Rotating again with the clock set back a whole grace period: the replaced secret's
        # grace is over as soon as the clock is back.
        settings = app.state.settings
        clock.shift = -timedelta(hours=settings.webhook_secret_grace_hours)
        third = (await client.post(f"/v1/webhooks/{hook}/rotate-secret", headers=firm)).json()
        clock.shift = timedelta(0)
        receiver.secret, receiver.also = third["secret"], (second, third["secret"])
        later = await candidate(app, stage=2, cohort="rotation-1", skills=("go",))
        await eventually(lambda: asyncio.sleep(0, later in delivered(receiver.accepted)))
        after = receiver.calls[-1]
        assert after["verified_by"] == [third["secret"]] and len(after["signatures"]) == 1
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
