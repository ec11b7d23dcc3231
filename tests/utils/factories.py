"""Factories for test data, in one place."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from traintrack_shared.contracts.enrollment import TraineeEnrolled, TraineeRegistered


def trainee_id() -> str:
    return f"tr-test-{uuid.uuid4().hex[:12]}"


def trainee_registered(**overrides: Any) -> TraineeRegistered:
    values: dict[str, Any] = {
        "trainee_id": trainee_id(),
        "institute_id": "inst-test",
        "birth_year": 1999,
        "region_code": "30",
        "status": "job_seeker",
        "consent_share_with_firms": True,
        "registered_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    }
    return TraineeRegistered(**{**values, **overrides})


def trainee_enrolled(**overrides: Any) -> TraineeEnrolled:
    values: dict[str, Any] = {
        "trainee_id": trainee_id(),
        "enrollment_id": f"en-test-{uuid.uuid4().hex[:12]}",
        "institute_id": "inst-test",
        "cohort_id": "kdt-ai-2026-1",
        "enrolled_on": date(2026, 3, 2),
    }
    return TraineeEnrolled(**{**values, **overrides})


def trainee_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "birth_year": 1998,
        "region_code": "11",
        "status": "job_seeker",
        "consent_share_with_firms": True,
        "name": "김서연",
        "email": "seoyeon@example.org",
    }
    return {**body, **overrides}
