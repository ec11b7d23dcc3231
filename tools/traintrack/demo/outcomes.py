"""The demo's outcome story, through the outcomes API: institutes report what became of
the trainees of ended cohorts (jobs, insured or not, a few start-ups, further study, one
exclusion, some late reports and a correction), beside the hires from matching. Then the
short outcome report `make run` prints."""

from __future__ import annotations

import logging
import random
import time
from datetime import date, timedelta
from typing import Any

import httpx

from traintrack.demo.programmes import TODAY, CohortPlan
from traintrack.demo.urls import OUTCOMES_URL

log = logging.getLogger(__name__)

EMPLOYERS = ["한빛데이터", "대덕AI랩", "클라우드나인", "충청정보기술", "세종소프트", "누리클라우드"]


class Reporter:
    def __init__(self, credentials: dict[str, Any], rng: random.Random) -> None:
        self.rng = rng
        self.credentials = credentials
        self.http = httpx.Client(base_url=OUTCOMES_URL, timeout=60)

    def report(self, institute: str, body: dict[str, Any], timeout: float = 120) -> str | None:
        """Report once the outcomes worker knows the trainee (404 until then)."""
        key = {"X-API-Key": self.credentials["institutes"][institute]}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.post("/v1/outcome-reports", json=body, headers=key)
            if response.status_code == 201:
                return str(response.json()["report_id"])
            if response.status_code != 404:
                raise RuntimeError(f"demo: report -> {response.status_code} {response.text}")
            time.sleep(1)
        raise RuntimeError("demo: the outcomes worker has not caught up with enrollment")

    def outcome(self, plan: CohortPlan, trainee_id: str) -> dict[str, Any] | None:
        rng, roll = self.rng, self.rng.random()
        starts = plan.ends_on + timedelta(days=rng.randint(-10, 170))
        if starts > TODAY:
            return None  # not known yet
        body: dict[str, Any] = {"trainee_id": trainee_id, "starts_on": starts.isoformat()}
        if roll < 0.62:
            return body | {
                "kind": "employed",
                "employer": rng.choice(EMPLOYERS),
                "insured": True,
                "employment_type": rng.choice(["permanent"] * 3 + ["fixed_term"]),
                "monthly_earnings": rng.randrange(2_400_000, 3_900_000, 50_000),
            }
        if roll < 0.70:
            return body | {
                "kind": "employed",
                "employer": rng.choice(EMPLOYERS),
                "insured": False,
                "employment_type": "part_time",
                "monthly_earnings": rng.randrange(1_200_000, 2_000_000, 50_000),
            }
        if roll < 0.75:
            return body | {"kind": "self_employed"}
        if roll < 0.80:
            return body | {"kind": "further_study"}
        return body | {"kind": "not_employed"}


def play_outcomes(
    credentials: dict[str, Any],
    played: dict[str, tuple[CohortPlan, list[dict[str, Any]]]],
    rng: random.Random,
) -> None:
    reporter = Reporter(credentials, rng)
    reports = 0
    for plan, enrollments in played.values():
        if plan.ends_on > TODAY:
            reports += _current_jobs(reporter, plan, enrollments)
            continue
        for enrollment in enrollments:
            body = reporter.outcome(plan, enrollment["trainee_id"])
            if body is not None and reporter.report(plan.institute, body):
                reports += 1
    _exclusion_and_correction(reporter, played)
    log.info("demo outcomes played: %d reports", reports)


def _current_jobs(reporter: Reporter, plan: CohortPlan, enrollments: list[dict[str, Any]]) -> int:
    """Upskilling workers in a running course: their institute records the jobs they hold,
    begun years before the course (no outcome of it: the figures leave them out)."""
    workers = [e for e in enrollments if e.get("status") == "employed_worker"]
    for enrollment in workers:
        years = reporter.rng.randint(1, 8)
        reporter.report(
            plan.institute,
            {
                "trainee_id": enrollment["trainee_id"],
                "kind": "employed",
                "employer": reporter.rng.choice(EMPLOYERS),
                "insured": True,
                "starts_on": (plan.starts_on - timedelta(days=365 * years)).isoformat(),
            },
        )
    return len(workers)


def _exclusion_and_correction(reporter: Reporter, played: dict[str, Any]) -> None:
    plan, enrollments = played["dis-data-2026-1"]
    first, second = enrollments[0]["trainee_id"], enrollments[1]["trainee_id"]
    reporter.report(
        plan.institute,
        {
            "trainee_id": first,
            "kind": "excluded",
            "starts_on": "2026-06-01",
            "exclusion_reason": "military",
        },
    )
    wrong = reporter.report(
        plan.institute,
        {
            "trainee_id": second,
            "kind": "employed",
            "employer": "세종소프트",
            "insured": True,
            "starts_on": "2026-06-15",
            "monthly_earnings": 3_100_000,
        },
    )
    reporter.report(
        plan.institute,
        {
            "trainee_id": second,
            "kind": "employed",
            "employer": "세종소프트",
            "insured": True,
            "starts_on": "2026-07-01",
            "monthly_earnings": 3_100_000,
            "corrects": wrong,
        },
    )


def outcome_report(credentials: dict[str, Any], as_of: date) -> str:
    """The short report `make run` ends with: every indicator (latest versions) for all
    cohorts, the totals per year a programme publishes, and the funnel."""
    http = httpx.Client(base_url=OUTCOMES_URL, timeout=60)
    key = {"X-API-Key": credentials["operator"]["key"]}
    day = {"as_of": as_of.isoformat()}
    rows = http.get("/v1/indicators", params=day, headers=key).json()
    by_year = http.get("/v1/indicators", params=day | {"group_by": "year"}, headers=key).json()
    funnel = http.get("/v1/funnel", params=day, headers=key).json()
    titles = {d["id"]: d["title"]["en"] for d in http.get("/v1/definitions").json()}
    lines = [f"Outcomes as known on {as_of} (all cohorts; per enrollment):"]
    for row in rows:
        shown = _shown(row["value"], row["unit"])
        lines.append(f"  {titles[row['indicator']]:<52} {shown:>14}   n={row['denominator']}")
    lines += ["", "  year  courses  enrolled  graduates  not completed  satisfaction  "
              "job seekers into work or start-ups"]  # fmt: skip
    cells: dict[str, dict[str, Any]] = {}
    for row in by_year:
        cells.setdefault(row["group"], {})[row["indicator"]] = row
    for year, c in sorted(cells.items()):
        satisfaction = c["satisfaction_mean"]["value"]
        lines.append(
            f"  {year}  {c['courses']['value']:>7.0f}  {c['enrolled']['value']:>8.0f}  "
            f"{c['completers']['value']:>9.0f}  {c['not_completed']['value']:>13.0f}  "
            f"{'-' if satisfaction is None else f'{satisfaction:.1f}':>12}  "
            f"{c['employed_or_start_up_6m']['numerator']:>6}"
        )
    if funnel:
        steps = " → ".join(f"{k} {v}" for k, v in funnel[0]["steps"].items())
        lines += ["", f"  funnel: {steps}"]
        lines += [f"    ({step}: {why})" for step, why in funnel[0]["notes"].items()]
    return "\n".join(lines)


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "pending"
    if unit == "median_krw":
        return f"{value:,.0f} KRW"
    if unit == "count":
        return f"{value:,.0f}"
    if unit in ("mean", "course_mean"):
        return f"{value:.1f}"
    return f"{value:.1%}"
