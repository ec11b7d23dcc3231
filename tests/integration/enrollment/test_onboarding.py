"""Bulk onboarding: institutes register and enroll trainees from CSV."""

import json

import pytest

from tests.utils import catalogue
from tests.utils.apps import client_of, running_app
from tests.utils.keys import STANDARD, write_keyring
from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.settings import EnrollmentSettings

pytestmark = pytest.mark.integration

BIG, SMALL, LATER, THEIRS = "onb-big", "onb-small", "onb-later", "onb-theirs"
HEADER = (
    "ref,name,email,phone,birth_year,region_code,status,consent_share_with_firms,cohort_id,"
    "applied_on"
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    return write_keyring(path, STANDARD) | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    async with running_app(
        create_app, EnrollmentSettings, platform, keys["file"], "enrollment"
    ) as app:
        async with client_of(app, "enrollment") as client:
            for institute, cohort, capacity in (
                ("inst-a", BIG, 30),
                ("inst-a", SMALL, 2),
                ("inst-a", LATER, 30),
                ("inst-b", THEIRS, 30),
            ):
                await catalogue.seed(
                    client,
                    operator_key=keys["operator"],
                    institute_key=keys["institute" if institute == "inst-a" else "other_institute"],
                    institute_id=institute,
                    cohort_id=cohort,
                    capacity=capacity,
                )
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "enrollment") as client:
        yield client


async def send(client, keys, lines, who="institute"):
    return await client.post(
        "/v1/imports/trainees",
        content="\n".join([HEADER, *lines]),
        headers={"X-API-Key": keys[who], "content-type": "text/csv"},
    )


async def outbox(app, kind):
    rows = await app.state.pool.fetch(
        "SELECT data FROM outbox WHERE event_type = $1 ORDER BY id",
        f"traintrack.enrollment.{kind}.v1",
    )
    return [r["data"] for r in rows]


FILE = [
    f"s-001,김민준,minjun@example.org,,1998,30,job_seeker,true,{BIG},2026-02-20",
    f"s-002,이서연,,,19x8,30,job_seeker,true,{BIG},2026-02-20",
    f"s-003,박도윤,,,1990,99,job_seeker,false,{BIG},2026-02-20",
    "s-004,최지우,,,1995,30,job_seeker,false,no-such-cohort,2026-02-20",
    f"s-005,정하준,,010-1234-5678,1985,11,employed_worker,false,{SMALL},2026-02-20",
    f"s-006,강서윤,,,2000,30,resident,true,{SMALL},2026-02-20",
    f"s-007,조시우,,,2001,30,job_seeker,true,{SMALL},2026-02-20",
    f"s-001,김민준,minjun@example.org,,1998,30,job_seeker,true,{LATER},2026-02-20",
    f"s-008,윤하은,not-an-email,,1999,30,job_seeker,true,{BIG},2026-02-20",
    f"s-009,장주원,,,1999,30,job_seeker,true,{THEIRS},2026-02-20",
]


async def test_good_rows_are_enrolled_and_bad_rows_reported_by_row_and_column(app, client, keys):
    response = await send(client, keys, FILE)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["accepted"], report["existing"], report["rejected"]) == (
        10,
        4,
        0,
        6,
    )
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (2, "birth_year"),
        (3, "region_code"),
        (4, "cohort_id"),
        (7, "cohort_id"),  # the small cohort's two seats went to rows 5 and 6
        (9, "email"),
        (10, "cohort_id"),  # another institute's cohort
    ]
    assert "full" in report["errors"][3]["message"]
    made = {t["row"]: t for t in report["trainees"]}
    assert sorted(made) == [1, 5, 6, 8]
    # The same person (ref s-001) in two cohorts: one trainee, two enrollments.
    assert made[1]["trainee_id"] == made[8]["trainee_id"]
    assert made[1]["enrollment_id"] != made[8]["enrollment_id"]
    registered = await outbox(app, "trainee-registered")
    enrolled = await outbox(app, "trainee-enrolled")
    assert len(registered) == 3 and len(enrolled) == 4
    assert {e["trainee_status"] for e in enrolled} == {"job_seeker", "employed_worker", "resident"}
    serialized = json.dumps(registered + enrolled, ensure_ascii=False)
    assert "김민준" not in serialized and "minjun@example.org" not in serialized
    trainee = await client.get(
        f"/v1/trainees/{made[5]['trainee_id']}", headers={"X-API-Key": keys["institute"]}
    )
    assert (trainee.json()["name"], trainee.json()["phone"]) == ("정하준", "010-1234-5678")


async def test_the_same_file_sent_again_changes_nothing_and_returns_the_same_ids(app, client, keys):
    first = (await send(client, keys, FILE)).json()
    before = await app.state.pool.fetchval("SELECT count(*) FROM outbox")
    again = (await send(client, keys, FILE)).json()
    assert (again["accepted"], again["existing"], again["rejected"]) == (0, 4, 6)
    assert {(t["row"], t["trainee_id"], t["enrollment_id"]) for t in again["trainees"]} == {
        (t["row"], t["trainee_id"], t["enrollment_id"]) for t in first["trainees"]
    }
    assert {t["status"] for t in again["trainees"]} == {"existing"}
    assert await app.state.pool.fetchval("SELECT count(*) FROM outbox") == before


async def test_a_corrected_row_sent_again_is_enrolled(client, keys):
    fixed = await send(client, keys, [f"s-002,이서연,,,1998,30,job_seeker,true,{BIG},2026-02-20"])
    assert (fixed.json()["accepted"], fixed.json()["rejected"]) == (1, 0)


async def test_a_ref_reused_for_another_person_is_refused(client, keys):
    response = await send(
        client, keys, [f"s-006,다른사람,,,1970,30,job_seeker,true,{LATER},2026-02-20"]
    )
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (1, "ref")
    assert "other details" in error["message"]


async def test_a_file_without_the_required_columns_is_refused(client, keys):
    response = await client.post(
        "/v1/imports/trainees",
        content="name,cohort_id\nx,y",
        headers={"X-API-Key": keys["institute"], "content-type": "text/csv"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "ref"


async def test_an_unreadable_csv_gets_a_problem_not_a_server_error(client, keys):
    response = await send(
        client, keys, ["s-100," + "가" * 140_000 + f",,,1999,30,job_seeker,,{BIG},"]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


async def test_a_line_separator_inside_a_name_does_not_split_the_row(client, keys):
    """U+2028 and a form feed are no line ends of a CSV (str.splitlines took them for
    ones and reported two broken rows): the row is read whole, and its name, which may
    hold no control character or line separator, is what is refused."""
    response = await send(
        client, keys, [f"s-200,김\u2028하\x0c은,,,1999,30,job_seeker,true,{LATER},2026-02-20"]
    )
    report = response.json()
    assert (report["rows"], report["accepted"]) == (1, 0)
    (error,) = report["errors"]
    assert (error["row"], error["field"]) == (1, "name")
    assert "U+2028" in error["message"]
