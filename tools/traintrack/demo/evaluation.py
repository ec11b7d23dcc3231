"""The demo's certification story, through the evaluation API: the ended credit course
goes through all four stages (some fail and retry, most are certified, one corrected score
revokes a credential); the running AI course is in stages 1 and 2."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import httpx

from traintrack.demo.programmes import TODAY
from traintrack.demo.urls import EVALUATION_URL

log = logging.getLogger(__name__)

FIRM = "firm"  # the demo firm key of credentials.json
CRITERIA = [
    "problem_definition",
    "data_handling",
    "modelling",
    "engineering_quality",
    "communication",
    "teamwork",
]


def _score(rng: random.Random, mean: float, spread: float) -> float:
    return float(max(0, min(100, round(rng.gauss(mean, spread)))))


class Evaluator:
    def __init__(self, credentials: dict[str, Any], rng: random.Random) -> None:
        self.rng = rng
        self.credentials = credentials
        self.http = httpx.Client(base_url=EVALUATION_URL, timeout=30)

    def key(self, who: str) -> dict[str, str]:
        if who in ("operator", FIRM):
            return {"X-API-Key": self.credentials[who]["key"]}
        return {"X-API-Key": self.credentials["institutes"][who]}

    def post(self, path: str, who: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, headers=self.key(who), json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"demo: POST {path} -> {response.status_code} {response.text}")
        return response.json()

    def stages(self, enrollment_id: str) -> Any:
        return self.http.get(
            f"/v1/enrollments/{enrollment_id}/stages", headers=self.key("operator")
        )

    def wait_until_known(self, enrollment_id: str, timeout: float = 120) -> None:
        """The evaluation worker learns of enrollments from enrollment events: wait for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stages(enrollment_id).status_code == 200:
                return
            time.sleep(0.5)
        raise RuntimeError("demo: the evaluation worker has not caught up with enrollment")

    def settled(
        self, enrollment_id: str, decisions: list[dict[str, Any]], timeout: float = 120
    ) -> list[dict[str, Any]]:
        """Decisions once the worker has the enrollment's attendance (it lags on a busy box)."""
        deadline = time.monotonic() + timeout
        while "attendance" in decisions[0]["missing"] and time.monotonic() < deadline:
            time.sleep(0.5)
            decisions = self.stages(enrollment_id).json()["current"]
        return decisions

    def stage(
        self,
        institute: str,
        enrollment: str,
        stage: int,
        scores: dict[str, float],
        threshold: float,
    ) -> bool:
        """Test scores for a stage; one retry for a failed attempt. True when passed."""
        for attempt in (1, 2):
            decisions = []
            for evidence, mean in scores.items():
                bonus = 8 if attempt == 2 else 0
                decisions = self.post(
                    "/v1/evidence",
                    institute,
                    {
                        "enrollment_id": enrollment,
                        "evidence": evidence,
                        "stage": stage,
                        "attempt": attempt,
                        "value": _score(self.rng, mean + bonus, 11),
                    },
                )
            decisions = self.settled(enrollment, decisions)
            if decisions[stage - 1]["status"] == "passed":
                return True
            if decisions[stage - 1]["status"] != "failed":
                return False
        return False

    def project(self, institute: str, programme: str, team: list[dict[str, Any]], n: int) -> None:
        """A team project; its members are named by trainee, scored in their enrollment."""
        project_id = f"{programme}-project-{n}"
        self.post(
            "/v1/projects",
            institute,
            {
                "project_id": project_id,
                "programme_id": programme,
                "firm_id": self.credentials[FIRM]["tenant"],
                "title": ["물류 수요 예측", "클라우드 비용 최적화", "민원 분류 모델"][n % 3],
                "team": [member["trainee_id"] for member in team],
            },
        )
        for member in team:
            self.post(
                "/v1/evidence",
                institute,
                {
                    "enrollment_id": member["enrollment_id"],
                    "evidence": "participation",
                    "stage": 3,
                    "value": _score(self.rng, 85, 8),
                },
            )
            for who in (institute, FIRM):
                self.post(
                    f"/v1/projects/{project_id}/assessments",
                    who,
                    {
                        "trainee_id": member["trainee_id"],
                        "enrollment_id": member["enrollment_id"],
                        "scores": {c: _score(self.rng, 81, 7) for c in CRITERIA},
                    },
                )

    def revoke_one_by_correction(
        self, institute: str, enrollments: list[str], timeout: float = 120
    ) -> None:
        """A module-test score corrected downwards: that credential's basis is gone. Waits
        for a first certification (the worker may still be reading completions)."""
        deadline = time.monotonic() + timeout
        while enrollments and time.monotonic() < deadline:
            for enrollment in enrollments:
                stages = self.stages(enrollment).json()["current"]
                if stages[-1]["status"] == "passed":
                    self.post(
                        "/v1/evidence",
                        institute,
                        {
                            "enrollment_id": enrollment,
                            "evidence": "module_test",
                            "stage": 2,
                            "attempt": stages[1]["attempt"],
                            "value": 52.0,
                        },
                    )
                    return
            time.sleep(1)
        log.warning("demo: nobody was certified, so no credential was revoked")


def play_evaluation(
    credentials: dict[str, Any], played: dict[str, Any], rng: random.Random
) -> None:
    evaluator = Evaluator(credentials, rng)
    for cohort_id, (plan, enrollments) in played.items():
        if (
            cohort_id not in ("cnu-cloud-2026-10", "cnu-ai-2026-1", "cnu-ai-2026-2")
            or not enrollments
        ):
            continue
        ended = plan.ends_on < TODAY
        passed_two = []
        for enrollment in enrollments:
            enrollment_id = enrollment["enrollment_id"]
            # Each trainee's events travel on their own partition: wait for each.
            evaluator.wait_until_known(enrollment_id)
            if not evaluator.stage(plan.institute, enrollment_id, 1, {"baseline_test": 72}, 60):
                continue
            if evaluator.stage(
                plan.institute, enrollment_id, 2, {"module_test": 78, "mini_project": 80}, 70
            ):
                passed_two.append(enrollment)
        if not ended:
            continue
        programme = plan.programme["programme_id"]
        for n in range(0, len(passed_two), 4):
            evaluator.project(plan.institute, programme, passed_two[n : n + 4], n // 4)
        for enrollment in passed_two:
            evaluator.post(
                "/v1/evidence",
                plan.institute,
                {
                    "enrollment_id": enrollment["enrollment_id"],
                    "evidence": "presentation",
                    "stage": 4,
                    "value": _score(rng, 86, 6),
                },
            )
            evaluator.post(
                "/v1/evidence",
                FIRM,
                {
                    "enrollment_id": enrollment["enrollment_id"],
                    "evidence": "interview",
                    "stage": 4,
                    "value": 1.0 if rng.random() < 0.9 else 0.0,
                },
            )
        evaluator.revoke_one_by_correction(plan.institute, [e["enrollment_id"] for e in passed_two])
    log.info("demo certification played")
