"""A regional ICT innovation square's five years (2021-2025), migrated through the history
import, plus an outcome report sent live today: the platform reproduces its published
totals table (courses, graduates, satisfaction, job seekers into employment or start-ups,
per year) exactly, as of today and as known on an earlier date.

The history (status js = job seeker, wk = employed worker upskilling; C completed,
N not completed at the end, D dropped, E early employment; the programme sq-ai counts
start-ups with employment, sq-web does not):

2021 sq-ai-2021  a21-1 js C 90 insured job 2021-10   a21-2 js C 95 start-up 2021-11
                 a21-3 js C 88 not employed          a21-4 js C 92   a21-5 js C 85
                 a21-6 js D
2022 sq-ai-2022  a22-1 js C 80 insured job 2022-12   a22-2 js C 90 excluded (military)
                 a22-3 js C   a22-4 js C   a22-5 js N
     sq-web-2022 r-1 js C 100 insured job 2023-02    w-1 wk C 70 job held since 2015
                 b22-2 js C 90 non-insured job 2023-03   b22-3 js C   b22-4 js C
2023 sq-ai-2023  e-1 e-2 js C 95 insured jobs 2023-09, 2023-10   e-3 js C 95 start-up
                 e-4 js E 95 (hired 2023-07-20)   e-5 e-6 js C 95
2024 sq-ai-2024  r-1 again, js C 88 insured job 2024-10, reported late (2025-09-10)
                 f-1 js C 92 insured job 2024-11   f-2 js C 96   f-3 js C 84   f-4 js C
2025 sq-web-2025 g-1 js C 90 insured job 2025-09, reported live today
                 g-2 g-3 js C 90   g-4 js D   g-5 js N
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e
INSTITUTE = "sq-daejeon"

# The published table, worked out by hand from the history above.
# year: (courses, graduates, satisfaction over respondents, job seekers into work/start-up)
TODAY = {
    "2021": (1, 5, 90.0, 2),  # 450 / 5; a21-1 and a21-2
    "2022": (2, 9, 86.0, 3),  # 430 / 5; a22-1, r-1, b22-2 (w-1 is no job seeker)
    "2023": (1, 6, 95.0, 4),  # 570 / 6; e-1, e-2, e-3, e-4
    "2024": (1, 5, 90.0, 2),  # 360 / 4; f-1 and r-1 (r-1's 2023 job predates the course)
    "2025": (1, 3, 90.0, 1),  # 270 / 3; g-1
}
ALL_TODAY = (6, 28, 90.43, 12)  # 2080 / 23 respondents
# As known on 30 June 2025: the 2025 course is running, r-1's 2024 job not yet reported.
EARLIER = {**TODAY, "2024": (1, 5, 90.0, 1), "2025": (1, 0, None, 0)}
ALL_EARLIER = (6, 25, 90.5, 10)  # 1810 / 20


def _cohorts() -> list[dict[str, Any]]:
    spec = [
        ("sq-ai-2021", "sq-ai", "2021-03-02", "2021-08-31"),
        ("sq-ai-2022", "sq-ai", "2022-03-02", "2022-08-31"),
        ("sq-web-2022", "sq-web", "2022-09-01", "2022-12-23"),
        ("sq-ai-2023", "sq-ai", "2023-03-02", "2023-08-31"),
        ("sq-ai-2024", "sq-ai", "2024-03-04", "2024-08-30"),
        ("sq-web-2025", "sq-web", "2025-03-04", "2025-07-31"),
    ]
    return [
        {
            "record": "cohort",
            "reported_on": _days(starts, -14),
            "cohort_id": cohort,
            "programme_id": programme,
            "programme_name": programme,
            "institute_id": INSTITUTE,
            "region_code": "30",
            "track": "k_digital_training",
            "field": "AI",
            "hours": 800,
            "project_work_share": 0.4,
            "capacity": 25,
            "starts_on": starts,
            "ends_on": ends,
            "employment_includes": ["start_up"] if programme == "sq-ai" else [],
        }
        for cohort, programme, starts, ends in spec
    ]


# trainee, status, ending, survey, (kind, insured, starts_on, reported_on) or None
TRAINEES: dict[str, list[tuple[str, str, str, int | None, tuple[Any, ...] | None]]] = {
    "sq-ai-2021": [
        ("a21-1", "js", "C", 90, ("employed", True, "2021-10-01", "2021-10-20")),
        ("a21-2", "js", "C", 95, ("self_employed", None, "2021-11-01", "2021-11-15")),
        ("a21-3", "js", "C", 88, ("not_employed", None, "2021-12-01", "2021-12-05")),
        ("a21-4", "js", "C", 92, None),
        ("a21-5", "js", "C", 85, None),
        ("a21-6", "js", "D", None, None),
    ],
    "sq-ai-2022": [
        ("a22-1", "js", "C", 80, ("employed", True, "2022-12-01", "2023-01-10")),
        ("a22-2", "js", "C", 90, ("excluded", None, "2022-10-01", "2022-10-01")),
        ("a22-3", "js", "C", None, None),
        ("a22-4", "js", "C", None, None),
        ("a22-5", "js", "N", None, None),
    ],
    "sq-web-2022": [
        ("r-1", "js", "C", 100, ("employed", True, "2023-02-01", "2023-02-20")),
        ("w-1", "wk", "C", 70, ("employed", True, "2015-04-01", "2023-01-05")),
        ("b22-2", "js", "C", 90, ("employed", False, "2023-03-01", "2023-03-20")),
        ("b22-3", "js", "C", None, None),
        ("b22-4", "js", "C", None, None),
    ],
    "sq-ai-2023": [
        ("e-1", "js", "C", 95, ("employed", True, "2023-09-01", "2023-09-20")),
        ("e-2", "js", "C", 95, ("employed", True, "2023-10-01", "2023-10-15")),
        ("e-3", "js", "C", 95, ("self_employed", None, "2023-09-15", "2023-10-01")),
        ("e-4", "js", "E", 95, None),
        ("e-5", "js", "C", 95, None),
        ("e-6", "js", "C", 95, None),
    ],
    "sq-ai-2024": [
        ("r-1", "js", "C", 88, ("employed", True, "2024-10-01", "2025-09-10")),
        ("f-1", "js", "C", 92, ("employed", True, "2024-11-01", "2024-11-20")),
        ("f-2", "js", "C", 96, None),
        ("f-3", "js", "C", 84, None),
        ("f-4", "js", "C", None, None),
    ],
    "sq-web-2025": [
        ("g-1", "js", "C", 90, None),  # its job is reported live, below
        ("g-2", "js", "C", 90, None),
        ("g-3", "js", "C", 90, None),
        ("g-4", "js", "D", None, None),
        ("g-5", "js", "N", None, None),
    ],
}
STATUS = {"js": "job_seeker", "wk": "employed_worker"}


def _days(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()


def _history() -> list[dict[str, Any]]:
    cohorts = {c["cohort_id"]: c for c in _cohorts()}
    records = list(cohorts.values())
    for cohort_id, people in TRAINEES.items():
        starts, ends = cohorts[cohort_id]["starts_on"], cohorts[cohort_id]["ends_on"]
        for trainee, status, ending, survey, job in people:
            ids = {"trainee_id": trainee, "enrollment_id": f"{trainee}.{cohort_id}",
                   "cohort_id": cohort_id}  # fmt: skip
            records.append({"record": "enrollment", "reported_on": starts, **ids,
                            "institute_id": INSTITUTE, "enrolled_on": starts,
                            "trainee_status": STATUS[status]})  # fmt: skip
            records.append(_ending(ids, ending, starts, ends))
            if survey is not None:
                records.append({"record": "survey", "reported_on": _days(ends, 1), **ids,
                                "score": survey, "submitted_on": ends})  # fmt: skip
            if job is not None:
                records.append(_report(trainee, cohort_id, *job))
    return records


def _ending(ids: dict[str, str], ending: str, starts: str, ends: str) -> dict[str, Any]:
    if ending == "D":
        dropped = _days(starts, 40)
        return {"record": "drop_out", "reported_on": dropped, **ids, "dropped_on": dropped,
                "reason": "personal"}  # fmt: skip
    if ending == "N":
        closed = _days(ends, 8)
        return {"record": "not_completed", "reported_on": closed, **ids, "ended_on": ends,
                "attendance_rate": 0.71, "decided_on": closed}  # fmt: skip
    early = {"early_employment": True, "hired_on": "2023-07-20"} if ending == "E" else {}
    return {"record": "completion", "reported_on": _days(ends, 3), **ids, "completed_on": ends,
            "attendance_rate": 0.93, "early_employment": False, **early}  # fmt: skip


def _report(trainee: str, cohort: str, kind: str, insured: Any, starts: str, reported: str):
    report = {"record": "outcome_report", "reported_on": reported,
              "report_id": f"rep-{trainee}-{cohort}", "trainee_id": trainee, "kind": kind,
              "starts_on": starts}  # fmt: skip
    if kind == "employed":
        report |= {"employer": "대전 소프트웨어", "insured": insured}
    if kind == "excluded":
        report["exclusion_reason"] = "military"
    return report


async def _table(api: httpx.AsyncClient, as_of: str, group_by: str) -> dict[str, tuple]:
    """The published table: the four figures per group of this institute."""
    rows = (await api.get("/v1/indicators", params={"as_of": as_of, "group_by": group_by})).json()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["group"].split("/")[0] == INSTITUTE:
            found.setdefault(row["group"].split("/")[-1], {})[row["indicator"]] = row
    return {
        group: (
            int(cells["courses"]["value"]),
            int(cells["completers"]["value"]),
            cells["satisfaction_mean"]["value"],
            cells["employed_or_start_up_6m"]["numerator"],
        )
        for group, cells in found.items()
    }


async def test_five_migrated_years_and_a_live_report_give_the_published_table(running):
    operator = {"X-API-Key": running.operator_key}
    history = "\n".join(json.dumps(r, ensure_ascii=False) for r in _history()).encode()
    async with httpx.AsyncClient(base_url=running.outcomes_url, headers=operator) as api:
        imported = await api.post(
            "/v1/imports/history",
            content=history,
            headers={"content-type": "application/x-ndjson"},
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["rejected"] == 0, imported.json()["errors"]
        live = await api.post(
            "/v1/outcome-reports",
            json={
                "trainee_id": "g-1",
                "kind": "employed",
                "starts_on": "2025-09-01",
                "employer": "한빛데이터",
                "insured": True,
            },
        )
        assert live.status_code == 201, live.text

        today = date.today().isoformat()
        assert await _table(api, today, "institute,year") == TODAY
        assert await _table(api, today, "institute") == {INSTITUTE: ALL_TODAY}
        assert await _table(api, "2025-06-30", "institute,year") == EARLIER
        assert await _table(api, "2025-06-30", "institute") == {INSTITUTE: ALL_EARLIER}

        again = await api.post(
            "/v1/imports/history",
            content=history,
            headers={"content-type": "application/x-ndjson"},
        )
        assert (again.json()["imported"], again.json()["rejected"]) == (0, 0)
        assert await _table(api, today, "institute,year") == TODAY
