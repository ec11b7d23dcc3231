"""History import on a real database: a programme's earlier years with the dates they were
first reported, so figures as known on a date hold for migrated years; bad records by
line and field; importing again changes nothing; lineage marks what was imported."""

import asyncio
import json

import pytest

from tests.utils.apps import client_of, running_app
from tests.utils.outcome_facts import cohort_of
from traintrack.outcomes.bootstrap import create_app
from traintrack.outcomes.settings import OutcomesSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def app(platform, keys):
    async with running_app(
        create_app, OutcomesSettings, platform, keys["file"], "outcomes_history"
    ) as app:
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "outcomes") as client:
        yield client


COHORT = {
    "record": "cohort", "reported_on": "2021-02-15", "cohort_id": "h-2021-1",
    "programme_id": "h-ai", "programme_name": "AI 서비스 개발", "institute_id": "h-inst",
    "region_code": "30", "track": "k_digital_training", "field": "AI", "hours": 960,
    "project_work_share": 0.4, "capacity": 30, "starts_on": "2021-03-02",
    "ends_on": "2021-08-31",
}  # fmt: skip


def _history() -> list[dict]:
    """Six enrolled in 2021: five complete on 31 August (reported 3 September), one drops
    out. h-1 and h-2 report insured jobs in 2021 (reported in October); h-3's job is
    reported only in March 2022."""
    records = [COHORT]
    for n in range(1, 7):
        t = f"h-{n}"
        ids = {"trainee_id": t, "enrollment_id": f"he-{n}", "cohort_id": "h-2021-1"}
        records.append({"record": "enrollment", "reported_on": "2021-03-02", **ids,
                        "institute_id": "h-inst", "enrolled_on": "2021-03-02",
                        "trainee_status": "job_seeker"})  # fmt: skip
        if n < 6:
            records.append({"record": "completion", "reported_on": "2021-09-03", **ids,
                            "completed_on": "2021-08-31", "attendance_rate": 0.9,
                            "early_employment": False})  # fmt: skip
        else:
            records.append({"record": "drop_out", "reported_on": "2021-05-10", **ids,
                            "dropped_on": "2021-05-10", "reason": "personal"})  # fmt: skip
    for n, (starts, reported) in enumerate(
        (("2021-10-01", "2021-10-20"), ("2021-11-15", "2021-11-30"), ("2021-12-01", "2022-03-02")),
        start=1,
    ):
        records.append({"record": "outcome_report", "reported_on": reported,
                        "report_id": f"h-rep-{n}", "trainee_id": f"h-{n}", "kind": "employed",
                        "starts_on": starts, "employer": "대덕AI랩", "insured": True})  # fmt: skip
    return records


def _jsonl(records) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


JSONL = {"content-type": "application/x-ndjson"}


async def _employment(client, keys, as_of):
    rows = (
        await client.get(
            "/v1/indicators",
            params={"as_of": as_of, "indicator": "employment_rate_6m"},
            headers=keys["operator"],
        )
    ).json()
    [row] = rows
    return row["value"], row["numerator"], row["denominator"]


async def test_imported_history_counts_from_the_day_each_record_was_first_reported(client, keys):
    done = await client.post(
        "/v1/imports/history", content=_jsonl(_history()), headers=keys["operator"] | JSONL
    )
    assert done.status_code == 200, done.text
    report = done.json()
    assert (report["records"], report["imported"], report["rejected"]) == (16, 16, 0)

    # the window closed on 28 February 2022: h-1, h-2 known then, h-3 only from 2 March
    assert await _employment(client, keys, "2022-02-28") == (0.4, 2, 5)
    assert await _employment(client, keys, "2022-03-01") == (0.4, 2, 5)
    assert await _employment(client, keys, "2022-03-02") == (0.6, 3, 5)
    # before the cohort's end was reported nobody had completed
    completion = (
        await client.get(
            "/v1/indicators",
            params={"as_of": "2021-09-02", "indicator": "completers"},
            headers=keys["operator"],
        )
    ).json()
    assert completion[0]["value"] == 0.0

    again = (
        await client.post(
            "/v1/imports/history", content=_jsonl(_history()), headers=keys["operator"] | JSONL
        )
    ).json()
    assert (again["imported"], again["already_known"]) == (0, 16)
    assert await _employment(client, keys, "2022-03-02") == (0.6, 3, 5)

    lineage = (
        await client.get(
            "/v1/indicators/employment_rate_6m/lineage",
            params={"as_of": "2022-03-02"},
            headers=keys["operator"],
        )
    ).json()
    h1 = next(t for t in lineage["trainees"] if t["trainee_id"] == "h-1")
    assert h1["in_numerator"] and h1["enrollment_id"] == "he-1"
    assert {m["import_id"] for m in h1["imported"]} == {report["import_id"]}
    assert {m["imported_by"] for m in h1["imported"]} == {"platform"}
    assert len(h1["imported"]) == 3  # enrollment, completion, report


async def test_bad_records_are_reported_by_line_and_field_and_the_good_ones_kept(client, keys):
    lines = [
        {**COHORT, "cohort_id": "h-2022-1", "reported_on": "2022-02-15"},  # 1: good
        {"record": "graduation", "reported_on": "2022-09-01"},  # 2: no such record
        {"record": "survey", "reported_on": "2022-09-01", "trainee_id": "h-7",
         "enrollment_id": "he-7", "cohort_id": "h-2022-1", "score": 101,
         "submitted_on": "2022-08-31"},  # 3: score above 100
        {"record": "enrollment", "reported_on": "2022-03-02", "trainee_id": "h-8",
         "enrollment_id": "he-8", "cohort_id": "h-2022-1", "institute_id": "h-inst",
         "enrolled_on": "2022-03-02", "name": "김하은"},  # 4: personal details
        {"record": "completion", "reported_on": "2022-08-30", "trainee_id": "h-9",
         "enrollment_id": "he-9", "cohort_id": "h-2022-1", "completed_on": "2022-08-31",
         "attendance_rate": 0.9, "early_employment": False},  # 5: reported the day before
        {"record": "completion", "reported_on": "2022-08-31", "trainee_id": "h-9",
         "enrollment_id": "he-9", "cohort_id": "h-2022-1", "completed_on": "2022-08-31",
         "attendance_rate": 0.9, "early_employment": False},  # 6: reported that day: good
        {"record": "enrollment", "reported_on": "2022-03-02", "trainee_id": "h\u0000x",
         "enrollment_id": "he-10", "cohort_id": "h-2022-1", "institute_id": "h-inst",
         "enrolled_on": "2022-03-02"},  # 7: NUL in an id
        {"record": "survey", "reported_on": "9999-12-31", "trainee_id": "h-7",
         "enrollment_id": "he-7", "cohort_id": "h-2022-1", "score": 90,
         "submitted_on": "2022-08-31"},  # 8: reported in the future
        {**COHORT, "cohort_id": "h-2022-1", "reported_on": "2022-02-15"},  # 9: line 1 again
    ]  # fmt: skip
    hostile = [
        {"record": "outcome_report", "reported_on": "2022-09-01", "report_id": "h-r-9",
         "trainee_id": "h-9", "kind": "employed", "starts_on": "2022-09-01",
         "employer": "a\u0000b", "insured": True},  # 11: NUL in a text
    ]  # fmt: skip
    body = (
        _jsonl(lines)
        + b"\n{not json\n"
        + _jsonl(hostile)
        + b'\n{"record": "survey", "score": '
        + b"9" * 5000
        + b"}"  # 12: a 5,000-digit number
    )
    report = (
        await client.post("/v1/imports/history", content=body, headers=keys["operator"] | JSONL)
    ).json()
    errors = {(e["line"], e["field"]) for e in report["errors"]}
    assert errors == {
        (2, "record"), (3, "score"), (4, "name"), (5, "reported_on"), (7, "trainee_id"),
        (8, "reported_on"), (9, "line"), (10, "line"), (11, "employer"), (12, "line"),
    }  # fmt: skip
    assert (report["records"], report["imported"], report["rejected"]) == (12, 2, 10)


async def test_csv_with_list_cells_split_on_semicolons(client, keys):
    csv = (
        "record,reported_on,cohort_id,programme_id,programme_name,institute_id,region_code,"
        "track,field,hours,project_work_share,capacity,starts_on,ends_on,employment_includes\n"
        "cohort,2023-02-01,h-2023-1,h-web,Web,h-inst,30,k_digital_training,Web,600,0.3,20,"
        "2023-03-06,2023-07-28,start_up;non_insured\n"
    )
    report = (
        await client.post(
            "/v1/imports/history", content=csv.encode(),
            headers=keys["operator"] | {"content-type": "text/csv"},
        )
    ).json()  # fmt: skip
    assert (report["imported"], report["errors"]) == (1, [])
    header_only = await client.post(
        "/v1/imports/history",
        content=b"cohort_id\nx\n",
        headers=keys["operator"] | {"content-type": "text/csv"},
    )
    assert header_only.status_code == 422
    assert header_only.json()["errors"] == [
        {"field": "header", "message": "the header names at least record and reported_on"}
    ]


async def test_only_operators_import_history_and_only_as_jsonl_or_csv(client, keys):
    for who in ("institute", "firm"):
        refused = await client.post(
            "/v1/imports/history", content=_jsonl([COHORT]), headers=keys[who] | JSONL
        )
        assert refused.status_code == 403
    anonymous = await client.post("/v1/imports/history", content=_jsonl([COHORT]), headers=JSONL)
    assert anonymous.status_code == 401
    wrong = await client.post(
        "/v1/imports/history",
        content=b"<xml/>",
        headers=keys["operator"] | {"content-type": "application/xml"},
    )
    assert wrong.status_code == 415
    assert wrong.headers["content-type"].startswith("application/problem+json")


async def test_the_same_import_sent_twice_at_once_is_kept_once(client, keys):
    """A retry after a client timeout while the first request still runs."""
    records = [
        {**COHORT, "cohort_id": f"h-2024-{n}", "reported_on": "2024-02-15"} for n in range(50)
    ]

    async def send():
        return await client.post(
            "/v1/imports/history", content=_jsonl(records), headers=keys["operator"] | JSONL
        )

    first, second = await asyncio.gather(send(), send())
    assert (first.status_code, second.status_code) == (200, 200), second.text
    imported = sorted(r.json()["imported"] for r in (first, second))
    known = sorted(r.json()["already_known"] for r in (first, second))
    assert (imported, known) == ([0, 50], [0, 50])


async def test_history_neither_changes_itself_nor_rewrites_the_live_platform(app, client, keys):
    """A record imported before comes back with other values: refused, not silently kept
    as it was. A cohort or an enrollment the live services announced: refused."""
    cohort = {**COHORT, "cohort_id": "h-2025-9", "reported_on": "2025-02-15"}
    first = await client.post(
        "/v1/imports/history", content=_jsonl([cohort]), headers=keys["operator"] | JSONL
    )
    assert first.json()["imported"] == 1
    changed = {**cohort, "hours": 1200}
    again = await client.post(
        "/v1/imports/history", content=_jsonl([changed]), headers=keys["operator"] | JSONL
    )
    assert again.json()["errors"] == [
        {
            "line": 1,
            "field": "line",
            "message": "imported before with other values: an import adds history, it does "
            "not change it",
        }
    ]
    live_cohort, [trainee, *_] = await cohort_of(app, 5)
    enrollment = {"record": "enrollment", "reported_on": "2026-03-02", "trainee_id": trainee,
                  "enrollment_id": f"en-{trainee}", "cohort_id": live_cohort,
                  "institute_id": "inst-a", "enrolled_on": "2026-03-02"}  # fmt: skip
    rewrite = [{**COHORT, "cohort_id": live_cohort, "reported_on": "2025-02-15"}, enrollment]
    refused = await client.post(
        "/v1/imports/history", content=_jsonl(rewrite), headers=keys["operator"] | JSONL
    )
    assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [
        (1, "cohort_id"),
        (2, "enrollment_id"),
    ]
    assert refused.json()["imported"] == 0
