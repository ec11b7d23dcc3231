"""Enrollment facts reach the evaluation service over Kafka; evidence then decides stages
and the decision is announced on evaluation.events.v1."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from tests.e2e.conftest import enroll_over_http
from tests.utils import catalogue
from tests.utils.platform import KafkaTail, eventually, header
from traintrack.contracts.topics import EVALUATION_EVENTS

pytestmark = pytest.mark.e2e


async def test_attendance_from_enrollment_and_a_test_score_pass_stage_1(running):
    institute = {"X-API-Key": running.institute_key}
    trainee, enrollment = await enroll_over_http(running)
    async with httpx.AsyncClient(base_url=running.enrollment_url, headers=institute) as api:
        for n in range(3):
            day = catalogue.STARTS + timedelta(days=n)
            recorded = await api.post(
                "/v1/attendance",
                json={
                    "trainee_id": trainee["trainee_id"],
                    "enrollment_id": enrollment["enrollment_id"],
                    "day": day.isoformat(),
                    "status": "present",
                    "check_in": "09:00",
                },
            )
            assert recorded.status_code == 201
    tail = await KafkaTail(running.platform.kafka_bootstrap, EVALUATION_EVENTS.name).start()
    try:
        async with httpx.AsyncClient(base_url=running.evaluation_url, headers=institute) as ev:

            async def knows_trainee():
                response = await ev.get(f"/v1/trainees/{trainee['trainee_id']}/stages")
                return response.status_code == 200

            await eventually(knows_trainee, timeout=60)

            async def decided():
                response = await ev.post(
                    "/v1/evidence",
                    json={
                        "enrollment_id": enrollment["enrollment_id"],
                        "trainee_id": trainee["trainee_id"],
                        "evidence": "baseline_test",
                        "stage": 1,
                        "value": 71,
                    },
                )
                stages = response.json()
                return stages if stages[0]["status"] == "passed" else None

            stages = await eventually(decided, timeout=60, interval=1)
        passed = await tail.wait_for(
            lambda r: (
                r.key == trainee["trainee_id"].encode()
                and header(r, "ce_type") == b"traintrack.evaluation.stage-passed.v2"
            ),
            30,
        )
    finally:
        await tail.stop()
    assert stages[1]["status"] == "waiting"
    announced = json.loads(passed.value)
    assert announced["unlocks"] == ["practitioner_mentoring", "cloud_onboarding"]
    assert (announced["enrollment_id"], announced["cohort_id"]) == (
        enrollment["enrollment_id"],
        enrollment["cohort_id"],
    )
