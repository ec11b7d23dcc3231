"""A partner firm's subscription receives a trainee once evaluation (fed by enrollment over
Kafka) passes them through stage 2, and loses them when the institute records the
trainee's withdrawal of consent: three services, two Kafka hops each way."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from tests.e2e.conftest import enroll_over_http
from tests.utils import catalogue
from tests.utils.platform import eventually

pytestmark = pytest.mark.e2e


async def _attend(api: httpx.AsyncClient, trainee_id: str, enrollment_id: str) -> None:
    for n in range(3):
        recorded = await api.post(
            "/v1/attendance",
            json={
                "trainee_id": trainee_id,
                "enrollment_id": enrollment_id,
                "day": (catalogue.STARTS + timedelta(days=n)).isoformat(),
                "status": "present",
                "check_in": "09:00",
            },
        )
        assert recorded.status_code == 201, recorded.text


async def _pass_stages_1_and_2(ev: httpx.AsyncClient, enrollment_id: str) -> None:
    async def passed_stage_1():
        response = await ev.post(
            "/v1/evidence",
            json={
                "enrollment_id": enrollment_id,
                "evidence": "baseline_test",
                "stage": 1,
                "value": 71,
            },
        )
        return response.status_code == 201 and response.json()[0]["status"] == "passed"

    await eventually(passed_stage_1, timeout=60, interval=1)
    for evidence, value in (("module_test", 78), ("mini_project", 82)):
        recorded = await ev.post(
            "/v1/evidence",
            json={
                "enrollment_id": enrollment_id,
                "evidence": evidence,
                "stage": 2,
                "value": value,
            },
        )
        assert recorded.status_code == 201, recorded.text
    assert recorded.json()[1]["status"] == "passed"


async def test_a_firm_receives_a_stage_2_candidate_and_loses_them_on_consent_withdrawal(running):
    institute = {"X-API-Key": running.institute_key}
    firm = httpx.AsyncClient(base_url=running.matching_url, headers={"X-API-Key": running.firm_key})
    async with firm:
        subscribed = await firm.post(
            "/v1/subscriptions",
            json={
                "subscription_id": f"e2e-python-{uuid.uuid4().hex[:8]}",
                "skills": ["python"],
                "minimum_stage": 2,
            },
        )
        assert subscribed.status_code == 201, subscribed.text
        trainee, enrollment = await enroll_over_http(running)
        trainee_id = trainee["trainee_id"]
        async with httpx.AsyncClient(base_url=running.enrollment_url, headers=institute) as api:
            await _attend(api, trainee_id, enrollment["enrollment_id"])
            async with httpx.AsyncClient(base_url=running.evaluation_url, headers=institute) as ev:
                await _pass_stages_1_and_2(ev, enrollment["enrollment_id"])

            async def entries_about(kind):
                found, after = [], 0
                while True:
                    page = (await firm.get("/v1/feed", params={"after": after})).json()
                    found += [
                        e
                        for e in page["entries"]
                        if e["trainee_id"] == trainee_id and e["kind"] == kind
                    ]
                    if page["next_cursor"] == after:
                        return found
                    after = page["next_cursor"]

            [delivered] = await eventually(lambda: entries_about("candidate-delivered"), timeout=60)
            profile = delivered["data"]["candidate"]
            assert profile["stage_reached"] == 2
            assert profile["skills"] == ["machine learning", "python", "sql"]
            assert "name" not in profile and "email" not in profile
            assert (await firm.get(f"/v1/candidates/{trainee_id}")).status_code == 200

            withdrawn = await api.put(
                f"/v1/trainees/{trainee_id}/consent", json={"share_with_firms": False}
            )
            assert withdrawn.status_code == 200, withdrawn.text

        [gone] = await eventually(lambda: entries_about("candidate-withdrawn"), timeout=60)
        assert gone["data"]["reason"] == "consent_withdrawn"
        assert (await firm.get(f"/v1/candidates/{trainee_id}")).status_code == 404
