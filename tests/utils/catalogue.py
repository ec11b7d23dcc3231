"""A small catalogue through the enrollment API: institute, programme, cohort."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

# Tue 2026-03-03 .. Fri 2026-04-10: 21 training days in March, 8 in April, no public
# holiday (Monday 2 March is the substitute holiday for Independence Movement Day, so every
# weekday from STARTS on is a training day).
STARTS, ENDS = date(2026, 3, 3), date(2026, 4, 10)


async def seed(
    client: httpx.AsyncClient,
    *,
    operator_key: str,
    institute_key: str,
    institute_id: str,
    cohort_id: str,
    capacity: int = 30,
    region_code: str = "30",
) -> dict[str, Any]:
    operator, institute = {"X-API-Key": operator_key}, {"X-API-Key": institute_key}
    created = await client.post(
        "/v1/institutes",
        headers=operator,
        json={
            "institute_id": institute_id,
            "name": f"{institute_id} 훈련원",
            "region_code": region_code,
        },
    )
    assert created.status_code in (201, 409), created.text
    programme_id = f"{cohort_id}-prog"
    response = await client.post(
        "/v1/programmes",
        headers=institute,
        json={
            "programme_id": programme_id,
            "name": "AI 서비스 개발자 과정",
            "track": "k_digital_training",
            "field": "AI",
            "hours": 960,
            "capacity": capacity,
            "project_work_share": 0.4,
            "training_site": "대전 ICT 이노베이션 스퀘어",
            "skills": ["Python", "machine learning", "SQL"],
        },
    )
    assert response.status_code == 201, response.text
    response = await client.post(
        "/v1/cohorts",
        headers=institute,
        json={
            "cohort_id": cohort_id,
            "programme_id": programme_id,
            "starts_on": STARTS.isoformat(),
            "ends_on": ENDS.isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    return response.json()
