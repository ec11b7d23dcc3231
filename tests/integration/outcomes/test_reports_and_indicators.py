"""The outcomes service on a real database: facts from every topic through its consumer,
reports over its API, indicators as known on a date with lineage, CSV, suppressed public
views and the dashboard."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from tests.utils.apps import client_of, running_app
from tests.utils.outcome_facts import cohort_of, employed, feed
from traintrack.contracts import matching as m
from traintrack.outcomes.bootstrap import create_app
from traintrack.outcomes.settings import OutcomesSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def app(platform, keys):
    async with running_app(create_app, OutcomesSettings, platform, keys["file"], "outcomes") as app:
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "outcomes") as client:
        yield client


def cell(rows, indicator, group):
    [found] = [r for r in rows if r["indicator"] == indicator and r["group"] == group]
    return found


async def test_reports_come_from_the_trainees_institute_a_firm_that_hired_them_or_operators(
    app, client, keys
):
    _, (a, b) = await cohort_of(app, 2)
    assert (
        await client.post("/v1/outcome-reports", json=employed(a), headers=keys["institute"])
    ).status_code == 201
    other = await client.post(
        "/v1/outcome-reports", json=employed(a), headers=keys["other_institute"]
    )
    assert other.status_code == 404
    stranger = await client.post("/v1/outcome-reports", json=employed(b), headers=keys["firm"])
    assert stranger.status_code == 404
    hired = m.Hired(
        internship_id="i-1",
        trainee_id=b,
        firm_id="firm-a",
        starts_on=date(2026, 6, 1),
        employment_type="permanent",
        insured=True,
    )
    await feed(app, (hired, datetime(2026, 5, 30, tzinfo=UTC)))
    assert (
        await client.post("/v1/outcome-reports", json=employed(b), headers=keys["firm"])
    ).status_code == 201
    assert (
        await client.post("/v1/outcome-reports", json=employed(b), headers=keys["operator"])
    ).status_code == 201

    missing = await client.post(
        "/v1/outcome-reports", json=employed(a, employer=None), headers=keys["institute"]
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "employer"
    unknown = await client.post(
        "/v1/outcome-reports", json=employed(a, corrects="rep-nope"), headers=keys["institute"]
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "corrects"


async def test_indicators_as_known_on_a_date_change_only_after_a_report_arrives(app, client, keys):
    cohort, trainees = await cohort_of(app, 6)
    for t in trainees[:3]:
        assert (
            await client.post("/v1/outcome-reports", json=employed(t), headers=keys["institute"])
        ).is_success
    today = datetime.now(UTC).date()
    before = await client.get(
        "/v1/indicators",
        params={"as_of": "2026-11-01", "group_by": "cohort"},
        headers=keys["operator"],
    )
    now = await client.get(
        "/v1/indicators",
        params={"as_of": today.isoformat(), "group_by": "cohort"},
        headers=keys["operator"],
    )
    assert cell(before.json(), "employment_rate_6m", cohort)["value"] == 0.0
    after = cell(now.json(), "employment_rate_6m", cohort)
    assert (after["value"], after["numerator"], after["denominator"]) == (0.5, 3, 6)
    assert cell(now.json(), "completion_rate", cohort)["value"] == 1.0

    lineage = await client.get(
        "/v1/indicators/employment_rate_6m/lineage",
        params={"group_by": "cohort", "group": cohort, "as_of": today.isoformat()},
        headers=keys["operator"],
    )
    people = {p["trainee_id"]: p for p in lineage.json()["trainees"]}
    assert set(people) == set(trainees)
    assert {t for t, p in people.items() if p["in_numerator"]} == set(trainees[:3])
    reported = await app.state.pool.fetchval(
        "SELECT event_id FROM facts WHERE kind = 'outcome-reported' AND subject = $1", trainees[0]
    )
    assert reported in people[trainees[0]]["events"]  # the report behind the figure

    exported = await client.get(
        "/v1/indicators.csv", params={"group_by": "cohort"}, headers=keys["operator"]
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert exported.headers["content-type"].startswith("text/csv")
    assert cell(rows, "employment_rate_6m", cohort)["value"] == "0.5"


async def test_public_views_withhold_cells_of_fewer_than_five_people(app, client, keys):
    small, _ = await cohort_of(app, 4, region="51")
    public = (await client.get("/v1/public/indicators", params={"group_by": "cohort"})).json()
    # who left a figure and who is not measured yet stay unpublished: figures over other
    # windows share them, and would tell a withheld cell's
    assert {(r["excluded"], r["pending"]) for r in public} == {(None, None)}
    withheld = cell(public, "completion_rate", small)
    # a withheld cell publishes no number at all (not a misleading 0)
    assert (withheld["value"], withheld["denominator"], withheld["suppressed"]) == (
        None,
        None,
        True,
    )
    full = await client.get(
        "/v1/indicators", params={"group_by": "cohort"}, headers=keys["operator"]
    )
    assert cell(full.json(), "completion_rate", small)["value"] == 1.0
    refused = await client.get("/v1/indicators", headers=keys["institute"])
    assert refused.status_code == 403
    funnel = (await client.get("/v1/public/funnel", params={"group_by": "region"})).json()
    [gangwon] = [r for r in funnel if r["group"] == "51"]
    assert gangwon["steps"]["enrolled"] is None and gangwon["suppressed"]


async def test_definitions_state_numerator_denominator_and_exclusions(client):
    found = {d["id"]: d for d in (await client.get("/v1/definitions")).json()}
    assert {
        "completion_rate",
        "employment_rate_3m",
        "employment_q2",
        "median_earnings_q2",
        "credential_rate",
        "skill_gains",
        "retention_q4",
    } <= set(found)
    assert all(d["numerator"] and d["denominator"] and d["exclusions"] for d in found.values())


async def test_the_dashboard_speaks_korean_and_english(app, client):
    await cohort_of(app, 5)
    ko = await client.get("/dashboard")
    assert ko.headers["content-type"].startswith("text/html")
    assert "수료율" in ko.text and 'data-chart="funnel"' in ko.text
    en = await client.get("/dashboard", params={"lang": "en"})
    assert "Completion rate" in en.text and "Employment rate at 6 months, by region" in en.text


async def test_a_trainee_id_the_store_cannot_hold_gets_a_problem_naming_it(client, keys):
    for bad in ("%00", "a%01b", "x" * 65):
        response = await client.get(f"/v1/trainees/{bad}", headers=keys["operator"])
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["errors"][0]["field"] == "trainee_id"


async def test_a_report_retried_with_its_idempotency_key_is_answered_once_and_kept_once(
    app, client, keys
):
    _, (trainee,) = await cohort_of(app, 1)
    headers = {**keys["institute"], "Idempotency-Key": f"retry-{trainee}"}
    first = await client.post("/v1/outcome-reports", json=employed(trainee), headers=headers)
    again = await client.post("/v1/outcome-reports", json=employed(trainee), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    kept = await app.state.pool.fetchval(
        "SELECT count(*) FROM facts WHERE kind = 'outcome-reported' AND subject = $1", trainee
    )
    published = await app.state.pool.fetchval(
        "SELECT count(*) FROM outbox WHERE event_type = $1 AND partition_key = $2",
        "traintrack.outcomes.outcome-reported.v1",
        trainee,
    )
    assert (kept, published) == (1, 1)
    other = await client.post(
        "/v1/outcome-reports", json=employed(trainee, employer="다른회사"), headers=headers
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_reports_fact_carries_the_id_and_time_of_the_event_that_announces_it(
    app, client, keys
):
    _, (trainee,) = await cohort_of(app, 1)
    response = await client.post(
        "/v1/outcome-reports", json=employed(trainee), headers=keys["institute"]
    )
    assert response.status_code == 201
    fact = await app.state.pool.fetchrow(
        "SELECT event_id, known_at FROM facts WHERE kind = 'outcome-reported' AND subject = $1",
        trainee,
    )
    event = await app.state.pool.fetchrow(
        "SELECT event_id, event_time FROM outbox WHERE partition_key = $1 AND event_type = $2",
        trainee,
        "traintrack.outcomes.outcome-reported.v1",
    )
    assert (fact["event_id"], fact["known_at"]) == (str(event["event_id"]), event["event_time"])


async def test_an_operator_reads_a_trainee_and_the_events_behind_the_view(app, client, keys):
    cohort, (trainee,) = await cohort_of(app, 1)
    response = await client.get(f"/v1/trainees/{trainee}", headers=keys["operator"])
    assert response.status_code == 200
    view = response.json()
    assert (view["trainee_id"], view["institute_id"], view["status"]) == (
        trainee,
        "inst-a",
        "job_seeker",
    )
    [enrollment] = view["enrollments"]
    assert (enrollment["enrollment_id"], enrollment["cohort_id"]) == (f"en-{trainee}", cohort)
    assert enrollment["event_time"].startswith("2026-04-01")  # the event's time, not arrival
    unknown = await client.get("/v1/trainees/tr-nobody", headers=keys["operator"])
    assert unknown.status_code == 404
    assert (
        await client.get(f"/v1/trainees/{trainee}", headers=keys["institute"])
    ).status_code == 403
