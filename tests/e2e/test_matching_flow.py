"""A partner firm's subscription receives a trainee once evaluation (fed by enrollment over
Kafka) passes them through stage 2, and loses them when the institute records the
trainee's withdrawal of consent: three services, two Kafka hops each way."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

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


async def _entries_about(firm: httpx.AsyncClient, trainee_id: str, kind: str) -> list[Any]:
    """The firm's feed entries of `kind` about the trainee, every page of it."""
    found: list[Any] = []
    after = 0
    while True:
        page = (await firm.get("/v1/feed", params={"after": after})).json()
        found += [e for e in page["entries"] if e["trainee_id"] == trainee_id and e["kind"] == kind]
        if page["next_cursor"] == after:
            return found
        after = page["next_cursor"]


async def _subscribe(firm: httpx.AsyncClient) -> None:
    subscribed = await firm.post(
        "/v1/subscriptions",
        json={
            "subscription_id": f"e2e-python-{uuid.uuid4().hex[:8]}",
            "skills": ["python"],
            "minimum_stage": 2,
        },
    )
    assert subscribed.status_code == 201, subscribed.text


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

            def entries_about(kind):
                return _entries_about(firm, trainee_id, kind)

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


async def test_erasure_takes_the_consent_and_the_firm_sees_the_candidate_no_more(running):
    institute = {"X-API-Key": running.institute_key}
    operator = {"X-API-Key": running.operator_key}
    firm = httpx.AsyncClient(base_url=running.matching_url, headers={"X-API-Key": running.firm_key})
    enrollment_api = httpx.AsyncClient(base_url=running.enrollment_url)
    async with firm, enrollment_api as api:
        await _subscribe(firm)
        trainee, enrollment = await enroll_over_http(running)
        trainee_id = trainee["trainee_id"]
        api.headers.update(institute)
        await _attend(api, trainee_id, enrollment["enrollment_id"])
        async with httpx.AsyncClient(base_url=running.evaluation_url, headers=institute) as ev:
            await _pass_stages_1_and_2(ev, enrollment["enrollment_id"])
        await eventually(
            lambda: _entries_about(firm, trainee_id, "candidate-delivered"), timeout=60
        )
        assert (await firm.get(f"/v1/candidates/{trainee_id}")).status_code == 200

        erased = await api.delete(f"/v1/trainees/{trainee_id}/personal-details", headers=operator)
        assert erased.status_code == 204, erased.text
        shown = (await api.get(f"/v1/trainees/{trainee_id}", headers=operator)).json()
        assert shown["consent_share_with_firms"] is False
        history = await api.get(f"/v1/trainees/{trainee_id}/consent-history", headers=operator)
        assert history.json() == []
        [gone] = await eventually(
            lambda: _entries_about(firm, trainee_id, "candidate-withdrawn"), timeout=60
        )
        assert gone["data"]["reason"] == "erased"
        assert (await firm.get(f"/v1/candidates/{trainee_id}")).status_code == 404

        # Consent given again afterwards is refused; the firm's asking discloses nothing.
        again = await api.put(f"/v1/trainees/{trainee_id}/consent", json={"share_with_firms": True})
        assert again.status_code == 409, again.text
        async with httpx.AsyncClient(base_url=running.matching_url, headers=operator) as ops:
            log = {"trainee_id": trainee_id}
            before = (await ops.get("/v1/disclosures", params=log)).json()
            assert before  # the delivery to the firm, before the erasure
            assert (await firm.get(f"/v1/candidates/{trainee_id}")).status_code == 404
            assert (await ops.get("/v1/disclosures", params=log)).json() == before
        assert len(await _entries_about(firm, trainee_id, "candidate-delivered")) == 1
        # The operator's reads of the trainee above are in the enrollment service's audit log.
        log = (await api.get("/v1/audit", headers=operator)).json()
        read = {(e["action"], e["outcome"]) for e in log if e["target"] == trainee_id}
        assert read == {("read trainee", 200), ("read consent history", 200)}
