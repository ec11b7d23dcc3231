"""The outcomes service on a real database: facts from every topic through its consumer,
reports over its API, indicators as known on a date with lineage, CSV, suppressed public
views and the dashboard."""

import csv
import io
import uuid
from datetime import UTC, date, datetime

import httpx
import pytest

from outcomes.bootstrap import create_app
from outcomes.projection import BATCH_HANDLERS, HANDLERS
from outcomes.settings import OutcomesSettings
from tests.utils import factories
from tests.utils.keys import STANDARD, write_keyring
from traintrack_shared import codec
from traintrack_shared.consumer import EventConsumer, Outcome
from traintrack_shared.contracts import enrollment as enr
from traintrack_shared.contracts import matching as m
from traintrack_shared.dlq import Delivery

pytestmark = pytest.mark.integration
ENDS = date(2026, 3, 31)
ENDED = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(path, STANDARD)
    return {name: {"X-API-Key": key} for name, key in issued.items()} | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    settings = OutcomesSettings(
        database_url=await platform.fresh_database("outcomes"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://outcomes"
    ) as client:
        yield client


async def feed(app, *timed_events):
    """(event, time the platform learnt it) pairs, through the worker's consumer."""
    consumer = EventConsumer(
        name="outcomes-test",
        pool=app.state.pool,
        publish=_no_dead_letters,
        handlers=HANDLERS,
        batch_handlers=BATCH_HANDLERS,
    )
    deliveries = [
        Delivery(
            event.topic.name, 0, n, codec.encode(codec.to_cloudevent(event, source="/t", time=at))
        )
        for n, (event, at) in enumerate(timed_events)
    ]
    outcomes = await consumer.process_batch(deliveries)
    assert set(outcomes) == {Outcome.APPLIED}


async def _no_dead_letters(*_):
    raise AssertionError("nothing here is poison")


async def cohort_of(app, size, *, institute="inst-a", region="30"):
    """A cohort that ended on 2026-03-31, everyone completed; their ids."""
    cohort = f"c-{uuid.uuid4().hex[:6]}"
    trainees = [factories.trainee_id() for _ in range(size)]
    events = [
        (
            factories.cohort_opened(
                cohort_id=cohort, institute_id=institute, region_code=region, ends_on=ENDS
            ),
            ENDED,
        )
    ]
    for t in trainees:
        events += [
            (factories.trainee_registered(trainee_id=t, institute_id=institute), ENDED),
            (
                factories.trainee_enrolled(trainee_id=t, institute_id=institute, cohort_id=cohort),
                ENDED,
            ),
            (
                enr.EnrollmentCompleted(
                    trainee_id=t,
                    enrollment_id=f"en-{t}",
                    cohort_id=cohort,
                    completed_on=ENDS,
                    attendance_rate=0.9,
                    early_employment=False,
                ),
                ENDED,
            ),
        ]
    await feed(app, *events)
    return cohort, trainees


def employed(trainee, **overrides):
    return {
        "trainee_id": trainee,
        "kind": "employed",
        "starts_on": "2026-05-04",
        "employer": "대덕AI랩",
        "insured": True,
        "monthly_earnings": 3_000_000,
    } | overrides


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
    withheld = cell(public, "completion_rate", small)
    assert (withheld["value"], withheld["denominator"], withheld["suppressed"]) == (None, 0, True)
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
