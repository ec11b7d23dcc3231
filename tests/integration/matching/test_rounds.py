"""Match rounds over real HTTP: stable results, explanations, refill, tenancy."""

import pytest

from tests.utils.matching import candidate, publish_opening

pytestmark = pytest.mark.integration


async def test_a_round_fills_seats_stably_explains_itself_and_declined_seats_refill(
    service, client, keys
):
    app, _ = service
    await publish_opening(client, keys["firm"], "round-a", seats=1)
    await publish_opening(client, keys["other_firm"], "round-b", seats=1)
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


async def test_rounds_refuse_other_tenants_at_every_step(service, client, keys):
    app, _ = service
    await publish_opening(client, keys["firm"], "tenant-op", seats=1)
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
