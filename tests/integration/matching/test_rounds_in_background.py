"""A round too large for one request: 202, solved by the background loop, progress shown
on the round, then its result (real PostgreSQL, real HTTP)."""

import asyncio

import pytest

from tests.utils.matching import candidate, publish_opening
from tests.utils.servers import serve
from traintrack.matching.bootstrap import create_app
from traintrack.matching.settings import MatchingSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def service(platform, keys):
    """The service with a tiny limit: a round listing more than 2 pairs goes to the loop."""
    settings = MatchingSettings(
        database_url=await platform.fresh_database("matching_bg"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        expiry_interval_seconds=3600,
        round_background_pairs=2,
        round_solver_interval_seconds=0.1,
    )
    app = create_app(settings)
    async with serve(app) as url:
        yield app, url


async def _round(client, keys, app, round_id, rankings):
    opened = await client.post(
        "/v1/rounds",
        json={"round_id": round_id, "opening_ids": sorted({o for r in rankings for o in r})},
        headers=keys["operator"],
    )
    assert opened.status_code == 201, opened.text
    trainees = []
    for ranking in rankings:
        trainee = await candidate(app, stage=3, cohort=f"{round_id}-cohort")
        put = await client.put(
            f"/v1/rounds/{round_id}/candidates/{trainee}/ranking",
            json={"opening_ids": ranking},
            headers=keys["institute"],
        )
        assert put.status_code == 204, put.text
        trainees.append(trainee)
    return trainees


async def _completed(client, location, headers):
    """The round once the background solver is done with it (polled, for up to 30 s)."""
    for _ in range(300):
        round_ = (await client.get(location, headers=headers)).json()
        if round_["status"] == "completed":
            return round_
        assert round_["status"] == "solving"
        await asyncio.sleep(0.1)
    raise AssertionError(f"still solving: {round_['progress']}")


async def test_a_round_above_the_limit_is_accepted_then_solved_in_the_background(
    service, client, keys
):
    app, _ = service
    await publish_opening(client, keys["firm"], "bg-a", seats=1)
    await publish_opening(client, keys["other_firm"], "bg-b", seats=1)
    ana, bo = await _round(client, keys, app, "r-bg", [["bg-a", "bg-b"], ["bg-b", "bg-a"]])

    accepted = await client.post("/v1/rounds/r-bg/solve", headers=keys["operator"])
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["location"] == "/v1/rounds/r-bg"
    body = accepted.json()
    assert body["status"] == "solving" and body["result"] is None
    assert {k: body["progress"][k] for k in ("phase", "step", "steps", "pairs")} == {
        "phase": "queued", "step": 0, "steps": 3, "pairs": 4,
    }  # fmt: skip
    again = await client.post("/v1/rounds/r-bg/solve", headers=keys["operator"])
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"

    round_ = await _completed(client, accepted.headers["location"], keys["institute"])
    assert round_["progress"]["phase"] == "completed" and round_["progress"]["error"] is None
    assert round_["result"] | {"solve_seconds": 0} == {
        "round_id": "r-bg", "candidates": 2, "openings": 2, "matched": 2, "seats": 2,
        "blocking_pairs": 0, "solve_seconds": 0,
    }  # fmt: skip
    pending = await client.get("/v1/offers", params={"status": "pending"}, headers=keys["operator"])
    placed = {o["trainee_id"]: o["opening_id"] for o in pending.json() if o["round_id"] == "r-bg"}
    assert placed == {ana: "bg-a", bo: "bg-b"}
    why = await client.get(
        f"/v1/rounds/r-bg/candidates/{ana}/explanation", headers=keys["institute"]
    )
    assert why.json()["reasons"] == ["placed at bg-a, your choice 1"]


async def test_a_round_within_the_limit_is_solved_in_the_request_and_keeps_its_result(
    service, client, keys
):
    app, _ = service
    await publish_opening(client, keys["firm"], "now-a", seats=1)
    await _round(client, keys, app, "r-now", [["now-a"]])
    solved = await client.post("/v1/rounds/r-now/solve", headers=keys["operator"])
    assert solved.status_code == 200, solved.text
    shown = (await client.get("/v1/rounds/r-now", headers=keys["operator"])).json()
    assert (shown["status"], shown["progress"]) == ("completed", None)
    assert shown["result"] == solved.json()


async def test_only_operators_solve_and_firms_do_not_see_rounds(service, client, keys):
    for role in ("firm", "institute"):
        refused = await client.post("/v1/rounds/r-now/solve", headers=keys[role])
        assert refused.status_code == 403, role
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/rounds/r-now", headers=keys["firm"])).status_code == 403
