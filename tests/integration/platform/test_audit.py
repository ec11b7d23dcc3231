"""Every changing request an operator makes is in the service's audit log; other callers'
requests are not, and only operators may read it."""

import httpx
import pytest

from traintrack.matching.bootstrap import create_app
from traintrack.matching.settings import MatchingSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def client(platform, keys):
    settings = MatchingSettings(
        database_url=await platform.fresh_database("audit"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as client,
    ):
        yield client


async def test_operator_actions_are_recorded_with_who_what_when_and_outcome(client, keys):
    firm = {"firm_id": "firm-audit", "name": "Audit", "region_code": "30"}
    assert (await client.post("/v1/firms", json=firm, headers=keys["operator"])).status_code == 201
    again = await client.post("/v1/firms", json=firm, headers=keys["operator"])
    assert again.status_code == 409
    await client.get("/v1/firms", headers=keys["operator"])  # reads are not actions
    body = {"subscription_id": "s-audit"}
    await client.post("/v1/subscriptions", json=body, headers=keys["firm"])  # not an operator

    log = (await client.get("/v1/audit", headers=keys["operator"])).json()
    assert [(e["action"], e["target"], e["outcome"]) for e in log] == [
        ("POST /v1/firms", "/v1/firms", 409),
        ("POST /v1/firms", "/v1/firms", 201),
    ]
    assert {e["role"] for e in log} == {"operator"} and all(e["key_id"] for e in log)
    assert (await client.get("/v1/audit", headers=keys["firm"])).status_code == 403


async def test_operators_reads_of_candidates_and_disclosures_are_audited_others_not(client, keys):
    operator = keys["operator"]
    await client.get("/v1/candidates/tr-audited", headers=operator)
    await client.get("/v1/disclosures", params={"trainee_id": "tr-audited"}, headers=operator)
    await client.get("/v1/candidates", headers=operator)
    await client.get("/v1/candidates/tr-audited", headers=keys["firm"])  # not an operator
    await client.get("/v1/openings", headers=operator)  # nothing personal

    log = (await client.get("/v1/audit", headers=operator)).json()
    reads = [(e["action"], e["target"], e["outcome"]) for e in log if e["action"][:5] == "read "]
    assert reads == [
        ("read candidates", "/v1/candidates", 200),
        ("read disclosures", "tr-audited", 200),
        ("read candidate", "tr-audited", 404),
    ]
    assert not [e for e in log if e["target"] == "/v1/openings"]


async def test_operators_changes_refused_before_any_route_are_audited_too(client, keys):
    operator = keys["operator"] | {"content-type": "application/json"}
    nan = b'{"firm_id": "firm-nan", "name": "NaN", "region_code": "30", "x": NaN}'
    twice = b'{"firm_id": "firm-a", "firm_id": "firm-b", "name": "T", "region_code": "30"}'
    assert (await client.post("/v1/firms", content=nan, headers=operator)).status_code == 422
    assert (await client.post("/v1/firms", content=twice, headers=operator)).status_code == 422
    bad_id = await client.delete("/v1/subscriptions/s%00x", headers=keys["operator"])
    assert bad_id.status_code == 422
    firm = keys["firm"] | {"content-type": "application/json"}
    await client.post("/v1/firms", content=nan, headers=firm)  # not an operator

    log = (await client.get("/v1/audit", headers=keys["operator"])).json()
    assert [(e["action"], e["target"], e["outcome"]) for e in log[:3]] == [
        ("DELETE /v1/subscriptions/{subscription_id}", "/v1/subscriptions/s%00x", 422),
        ("POST /v1/firms", "/v1/firms", 422),
        ("POST /v1/firms", "/v1/firms", 422),
    ]
