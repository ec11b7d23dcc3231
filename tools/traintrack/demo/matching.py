"""The demo's matching story, through the matching API: three partner firms publish
short hiring-linked internships and subscribe to candidates; a round fills the seats,
some offers are declined and a second round refills them; the interns start, finish,
and some are hired."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import httpx

from traintrack.demo.urls import MATCHING_URL

log = logging.getLogger(__name__)

# The cloud credit course ended on 2026-10-30; its internships ran for three weeks.
INTERNSHIP = {"starts_on": "2026-11-02", "ends_on": "2026-11-20"}
FIRMS: dict[str, dict[str, Any]] = {
    "firm-cloudnine": {
        "name": "클라우드나인",
        "region_code": "30",
        "openings": [("cloudnine-sre", "클라우드 SRE 인턴", ["cloud", "linux", "aws"], 4)],
        "subscription": {"skills": ["cloud", "aws"], "minimum_stage": 2},
    },
    "firm-hanbit-data": {
        "name": "한빛데이터",
        "region_code": "11",
        "openings": [("hanbit-analyst", "데이터 분석 인턴", ["python", "sql", "cloud"], 3)],
        "subscription": {"fields": ["데이터", "클라우드"], "minimum_stage": 3},
    },
    "firm-daedeok-ai": {
        "name": "대덕AI랩",
        "region_code": "30",
        "openings": [
            ("daedeok-ml", "ML 엔지니어 인턴", ["python", "machine learning"], 2),
            ("daedeok-mlops", "MLOps 인턴", ["aws", "linux", "kubernetes"], 2),
        ],
        "subscription": {"minimum_stage": 4},
    },
}


class Matchmaker:
    def __init__(self, credentials: dict[str, Any], rng: random.Random) -> None:
        self.rng = rng
        self.credentials = credentials
        self.http = httpx.Client(base_url=MATCHING_URL, timeout=120)

    def key(self, who: str) -> dict[str, str]:
        if who == "operator":
            return {"X-API-Key": self.credentials["operator"]["key"]}
        keys = {**self.credentials["institutes"], **self.credentials["firms"]}
        return {"X-API-Key": keys[who]}

    def call(self, method: str, path: str, who: str, body: Any = None) -> Any:
        response = self.http.request(method, path, headers=self.key(who), json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"demo: {method} {path} -> {response.status_code} {response.text}")
        return response.json() if response.content else None

    def firms(self) -> None:
        for firm_id, firm in FIRMS.items():
            body = {"firm_id": firm_id, "name": firm["name"], "region_code": firm["region_code"]}
            self.call("POST", "/v1/firms", "operator", body)
            for opening_id, title, skills, seats in firm["openings"]:
                opening = {"opening_id": opening_id, "title": title, "skills": skills}
                self.call(
                    "POST", "/v1/openings", firm_id, {**opening, "seats": seats, **INTERNSHIP}
                )
            subscription = {"subscription_id": f"{firm_id}-talent", **firm["subscription"]}
            self.call("POST", "/v1/subscriptions", firm_id, subscription)

    def eligible(self, timeout: float = 180) -> list[dict[str, Any]]:
        """Candidates at stage 3 or more, once the worker has caught up with evaluation."""
        deadline, seen, steady = time.monotonic() + timeout, -1, 0
        while time.monotonic() < deadline:
            found = self.call("GET", "/v1/candidates?minimum_stage=3&limit=5000", "operator")
            steady = steady + 1 if len(found) == seen and found else 0
            if steady >= 3:
                return list(found)
            seen = len(found)
            time.sleep(1)
        raise RuntimeError("demo: the matching worker has not caught up with evaluation")

    def apply(self, round_id: str, candidates: list[dict[str, Any]], openings: list[str]) -> None:
        """Each candidate ranks up to three openings: skills in common first, then taste."""
        skills = {o["opening_id"]: set(o["skills"]) for o in self.openings()}
        for candidate in candidates:
            mine = set(candidate["skills"])
            ranked = sorted(openings, key=lambda o: (-len(skills[o] & mine), self.rng.random()))[:3]
            path = f"/v1/rounds/{round_id}/candidates/{candidate['trainee_id']}/ranking"
            response = self.http.put(
                path, headers=self.key(candidate["institute_id"]), json={"opening_ids": ranked}
            )
            if response.status_code not in (204, 409):  # 409: no consent to share with firms
                raise RuntimeError(f"demo: PUT {path} -> {response.status_code} {response.text}")

    def openings(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "/v1/openings", "operator"))

    def round(self, round_id: str, candidates: list[dict[str, Any]]) -> dict[str, Any]:
        free = [
            o["opening_id"]
            for o in self.openings()
            if o["seats"] > o["seats_offered"] + o["seats_taken"]
        ]
        if not free:
            log.info("demo round %s: every seat is taken", round_id)
            return {}
        self.call("POST", "/v1/rounds", "operator", {"round_id": round_id, "opening_ids": free})
        self.apply(round_id, candidates, free)
        # One firm ranks its applicants itself (the platform's order, minus its last pick).
        if "hanbit-analyst" in free:
            path = f"/v1/rounds/{round_id}/openings/hanbit-analyst"
            applicants = self.call("GET", f"{path}/applicants", "firm-hanbit-data")
            if len(applicants) > 1:
                ids = [a["trainee_id"] for a in applicants][:-1]
                self.call("PUT", f"{path}/ranking", "firm-hanbit-data", {"trainee_ids": ids})
        result: dict[str, Any] = self.call("POST", f"/v1/rounds/{round_id}/solve", "operator")
        log.info("demo round %s: %s", round_id, result)
        return result

    def answer(self, round_id: str, decline_share: float) -> int:
        declined = 0
        for offer in self.call("GET", "/v1/offers?status=pending", "operator"):
            if offer["round_id"] != round_id:
                continue
            institute = self._institute_of(offer["trainee_id"])
            verb = "decline" if self.rng.random() < decline_share else "accept"
            declined += verb == "decline"
            self.call("POST", f"/v1/offers/{offer['offer_id']}/{verb}", institute)
        return declined

    def _institute_of(self, trainee_id: str) -> str:
        return str(self.call("GET", f"/v1/candidates/{trainee_id}", "operator")["institute_id"])

    def internships(self, hire_share: float) -> int:
        hired = 0
        for internship in self.call("GET", "/v1/internships", "operator"):
            firm, path = internship["firm_id"], f"/v1/internships/{internship['internship_id']}"
            self.call("POST", f"{path}/start", firm, {"started_on": INTERNSHIP["starts_on"]})
            done: dict[str, Any] = {"completed_on": INTERNSHIP["ends_on"]}
            if self.rng.random() < hire_share:
                done["hire"] = {
                    "starts_on": "2026-12-01",
                    "employment_type": "permanent",
                    "insured": True,
                }
                hired += 1
            self.call("POST", f"{path}/complete", firm, done)
        return hired


def play_matching(credentials: dict[str, Any], rng: random.Random) -> None:
    maker = Matchmaker(credentials, rng)
    maker.firms()
    candidates = maker.eligible()
    maker.round("autumn-2026-1", candidates)
    declined = maker.answer("autumn-2026-1", decline_share=0.3)
    placed = {
        o["trainee_id"]
        for o in maker.call("GET", "/v1/offers", "operator")
        if o["status"] == "accepted"
    }
    maker.round("autumn-2026-2", [c for c in candidates if c["trainee_id"] not in placed])
    maker.answer("autumn-2026-2", decline_share=0.0)
    hired = maker.internships(hire_share=0.6)
    log.info(
        "demo matching played: %d offers declined and refilled, %d interns hired", declined, hired
    )
