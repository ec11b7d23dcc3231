"""Offers and internships over real HTTP; what firms may see of each other."""

import json

import pytest

from tests.utils.matching import (
    AT,
    SCHEME,
    candidate,
    feed_events,
    ids,
    publish_opening,
    whole_feed,
)
from traintrack.contracts import evaluation as ev

pytestmark = pytest.mark.integration


async def test_an_accepted_offer_becomes_an_internship_that_converts_to_a_hire(
    service, client, keys
):
    app, _ = service
    body = {"subscription_id": "a-direct", "skills": ["scala"], "minimum_stage": 3}
    await client.post("/v1/subscriptions", json=body, headers=keys["firm"])
    trainee = await candidate(app, stage=3, cohort="direct-1", skills=("scala",))
    await publish_opening(client, keys["firm"], "direct-op", seats=1)
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
    await publish_opening(client, keys["firm"], "mine-op", seats=2)
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
    await publish_opening(client, keys["other_firm"], "expiry-op", seats=1)
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
    await publish_opening(client, keys["third_firm"], "stage-op", seats=2)
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
