"""One cohort from enrollment to employment through all four services, over their APIs
and Kafka only: attendance and completion (enrollment), the four stages and a credential
(evaluation), a subscription, an offer, an internship and a hire (matching), a reported
job (outcomes); then the indicators and the funnel as the outcomes service tells them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import FIRM, INSTITUTE
from tests.utils import catalogue, factories
from tests.utils.platform import eventually

pytestmark = pytest.mark.e2e
CRITERIA = [
    "problem_definition",
    "data_handling",
    "modelling",
    "engineering_quality",
    "communication",
    "teamwork",
]


class Journey:
    def __init__(self, running: Any) -> None:
        self.running = running
        self.cohort = f"kdt-journey-{uuid.uuid4().hex[:6]}"
        self.programme = f"{self.cohort}-prog"
        self.institute = {"X-API-Key": running.institute_key}
        self.firm = {"X-API-Key": running.firm_key}
        self.operator = {"X-API-Key": running.operator_key}

    def api(self, service: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=getattr(self.running, f"{service}_url"), timeout=30)

    async def post(self, service: str, path: str, who: dict[str, str], body: Any) -> Any:
        async with self.api(service) as api:
            response = await api.post(path, json=body, headers=who)
        assert response.status_code in (200, 201, 204), (path, response.text)
        return response.json() if response.content else None

    async def enroll(self) -> tuple[str, str]:
        trainee = await self.post(
            "enrollment", "/v1/trainees", self.institute, factories.trainee_body()
        )
        enrollment = await self.post(
            "enrollment",
            "/v1/enrollments",
            self.institute,
            {
                "trainee_id": trainee["trainee_id"],
                "cohort_id": self.cohort,
                "applied_on": "2026-02-20",
            },
        )
        return trainee["trainee_id"], enrollment["enrollment_id"]

    async def attend_every_day(self, enrolled: list[tuple[str, str]]) -> None:
        days = [catalogue.STARTS + timedelta(days=n) for n in range(60)]
        rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"] + [
            f"{t},{e},{d.isoformat()},present,09:00,18:00"
            for t, e in enrolled
            for d in days
            if d <= catalogue.ENDS and d.weekday() < 5
        ]
        async with self.api("enrollment") as api:
            report = await api.post(
                "/v1/imports/attendance",
                content="\n".join(rows),
                headers={**self.institute, "content-type": "text/csv"},
            )
        assert report.json()["rejected"] == 0, report.text

    async def evidence(
        self, who: dict[str, str], enrollment: str, stage: int, **values: float
    ) -> list:
        decisions = []
        for evidence, value in values.items():
            decisions = await self.post(
                "evaluation",
                "/v1/evidence",
                who,
                {
                    "enrollment_id": enrollment,
                    "evidence": evidence,
                    "stage": stage,
                    "value": value,
                },
            )
        return decisions

    async def stage_status(self, enrollment: str, stage: int) -> str:
        async with self.api("evaluation") as api:
            found = await api.get(f"/v1/enrollments/{enrollment}/stages", headers=self.operator)
        if found.status_code != 200:
            return "unknown"
        return found.json()["current"][stage - 1]["status"]


async def test_one_cohort_from_enrollment_to_employment_through_all_four_services(running):
    j = Journey(running)
    async with j.api("enrollment") as api:
        await catalogue.seed(
            api,
            operator_key=running.operator_key,
            institute_key=running.institute_key,
            institute_id=INSTITUTE,
            cohort_id=j.cohort,
        )
    (ana, ana_enrollment), (bo, bo_enrollment) = [await j.enroll() for _ in range(2)]
    await j.attend_every_day([(ana, ana_enrollment), (bo, bo_enrollment)])
    for trainee, enrollment in ((ana, ana_enrollment), (bo, bo_enrollment)):
        await j.post(
            "enrollment",
            "/v1/completions",
            j.institute,
            {
                "trainee_id": trainee,
                "enrollment_id": enrollment,
                "completed_on": catalogue.ENDS.isoformat(),
            },
        )

    # Evaluation: both pass stage 1 once their attendance has arrived; Ana goes on to 4.
    for enrollment in (ana_enrollment, bo_enrollment):

        async def passed_1(enrollment=enrollment):
            await j.evidence(j.institute, enrollment, 1, baseline_test=78)
            return await j.stage_status(enrollment, 1) == "passed"

        await eventually(passed_1, timeout=90, interval=1)
    await j.evidence(j.institute, ana_enrollment, 2, module_test=82, mini_project=85)
    project = f"{j.programme}-p1"
    await j.post(
        "evaluation",
        "/v1/projects",
        j.institute,
        {
            "project_id": project,
            "programme_id": j.programme,
            "firm_id": FIRM,
            "title": "수요 예측",
            "team": [ana],
        },
    )
    await j.evidence(j.institute, ana_enrollment, 3, participation=90)
    for who in (j.institute, j.firm):
        await j.post(
            "evaluation",
            f"/v1/projects/{project}/assessments",
            who,
            {"trainee_id": ana, "scores": {c: 84 for c in CRITERIA}},
        )
    await j.evidence(j.institute, ana_enrollment, 4, presentation=88)
    await j.evidence(j.firm, ana_enrollment, 4, interview=1.0)
    await eventually(
        lambda: _is(j.stage_status(ana_enrollment, 4), "passed"), timeout=90, interval=1
    )

    # Matching: the firm subscribes, receives Ana, offers, and hires her after the internship.
    await j.post(
        "matching",
        "/v1/subscriptions",
        j.firm,
        {"subscription_id": f"sub-{j.cohort}", "minimum_stage": 3, "skills": ["python"]},
    )
    opening = f"op-{j.cohort}"
    await j.post(
        "matching",
        "/v1/openings",
        j.firm,
        {
            "opening_id": opening,
            "title": "데이터 엔지니어 인턴",
            "skills": ["python"],
            "seats": 1,
            "starts_on": "2026-04-20",
            "ends_on": "2026-06-19",
        },
    )

    async def offered():
        async with j.api("matching") as api:
            made = await api.post(
                "/v1/offers", json={"opening_id": opening, "trainee_id": ana}, headers=j.firm
            )
        return made.json() if made.status_code == 201 else None

    offer = await eventually(offered, timeout=90, interval=1)
    await j.post("matching", f"/v1/offers/{offer['offer_id']}/accept", j.institute, None)
    async with j.api("matching") as api:
        [internship] = (await api.get("/v1/internships", headers=j.firm)).json()[-1:]
    path = f"/v1/internships/{internship['internship_id']}"
    await j.post("matching", f"{path}/start", j.firm, {"started_on": "2026-04-20"})
    await j.post(
        "matching",
        f"{path}/complete",
        j.firm,
        {
            "completed_on": "2026-06-19",
            "hire": {"starts_on": "2026-06-22", "employment_type": "permanent", "insured": True},
        },
    )

    # Outcomes: Bo's institute reports a job that starts four months after the end.
    async def bo_reported():
        async with j.api("outcomes") as api:
            made = await api.post(
                "/v1/outcome-reports",
                headers=j.institute,
                json={
                    "trainee_id": bo,
                    "kind": "employed",
                    "starts_on": "2026-08-10",
                    "employer": "한빛데이터",
                    "insured": True,
                    "monthly_earnings": 2_900_000,
                },
            )
        return made.status_code == 201

    await eventually(bo_reported, timeout=60, interval=1)

    async def indicators():
        async with j.api("outcomes") as api:
            rows = (
                await api.get("/v1/indicators", params={"group_by": "cohort"}, headers=j.operator)
            ).json()
        found = {r["indicator"]: r for r in rows if r["group"] == j.cohort}
        hired = found.get("employment_rate_3m", {}).get("numerator") == 1
        return found if hired and found["completion_rate"]["denominator"] == 2 else None

    found = await eventually(indicators, timeout=90, interval=1)
    assert found["completion_rate"]["value"] == 1.0
    assert found["employment_rate_3m"]["value"] == 0.5  # Ana, hired within 3 months
    assert found["employment_rate_6m"]["value"] == 1.0  # and Bo, within 6
    assert found["credential_rate"]["pending"] == 2  # a year after exit has not passed

    async with j.api("outcomes") as api:
        funnel = (
            await api.get("/v1/funnel", params={"group_by": "cohort"}, headers=j.operator)
        ).json()
    [steps] = [r["steps"] for r in funnel if r["group"] == j.cohort]
    assert steps == {
        "enrolled": 2,
        "stage_1": 2,
        "stage_2": 1,
        "stage_3": 1,
        "stage_4": 1,
        "internship": 1,
        "employed": 2,
    }


async def _is(status, expected: str) -> bool:
    return await status == expected
