"""What the outcomes service knows of a trainee (operators only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from traintrack.platform.errors import NotFound
from traintrack.platform.web.auth import Principal, Role, requires
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["trainees"])
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]


class EnrollmentView(BaseModel):
    enrollment_id: str
    institute_id: str
    cohort_id: str
    enrolled_on: date
    event_time: datetime
    recorded_at: datetime
    source_event_id: str


class TraineeView(BaseModel):
    trainee_id: str
    institute_id: str
    region_code: str
    birth_year: int
    status: str
    registered_at: datetime
    enrollments: list[EnrollmentView]


@router.get("/trainees/{trainee_id}")
async def read_trainee(trainee_id: IdPath, request: Request, _: OperatorKey) -> TraineeView:
    """The outcomes projection of one trainee, with the events behind it (operators only)."""
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM trainees WHERE trainee_id = $1", trainee_id)
        enrollments = await conn.fetch(
            "SELECT * FROM enrollments WHERE trainee_id = $1 ORDER BY enrolled_on", trainee_id
        )
    if row is None:
        raise NotFound(f"trainee {trainee_id}")
    return TraineeView(
        trainee_id=row["trainee_id"],
        institute_id=row["institute_id"],
        region_code=row["region_code"],
        birth_year=row["birth_year"],
        status=row["status"],
        registered_at=row["registered_at"],
        enrollments=[
            EnrollmentView(**{k: r[k] for k in EnrollmentView.model_fields}) for r in enrollments
        ],
    )
