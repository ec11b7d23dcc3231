"""Demo data for `make run` / `make up`, loaded through the services' public APIs."""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from typing import Any

import httpx

from traintrack_shared.vocabulary import REGIONS

log = logging.getLogger(__name__)

ENROLLMENT_URL = "http://127.0.0.1:8001"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "주원", "지민"]
FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]


def load_demo(credentials: dict[str, Any], *, trainees: int = 24, seed: int = 2026) -> None:
    rng = random.Random(seed)
    headers = {"X-API-Key": credentials["institute"]["key"]}
    with httpx.Client(base_url=ENROLLMENT_URL, headers=headers, timeout=10) as client:
        start = date(2026, 3, 2)
        for n in range(trainees):
            trainee = client.post(
                "/v1/trainees",
                json={
                    "birth_year": rng.randint(1985, 2004),
                    "region_code": rng.choice(list(REGIONS)),
                    "status": rng.choice(["job_seeker", "job_seeker", "employed_worker"]),
                    "consent_share_with_firms": rng.random() < 0.8,
                    "name": rng.choice(FAMILY) + rng.choice(GIVEN),
                },
            )
            trainee.raise_for_status()
            cohort = "kdt-ai-2026-1" if n % 2 == 0 else "kdt-cloud-2026-1"
            client.post(
                "/v1/enrollments",
                json={
                    "trainee_id": trainee.json()["trainee_id"],
                    "cohort_id": cohort,
                    "enrolled_on": (start + timedelta(days=rng.randint(0, 5))).isoformat(),
                },
            ).raise_for_status()
    log.info("demo: %d trainees registered and enrolled", trainees)
