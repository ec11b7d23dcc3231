"""What the outcomes service knows of a trainee (operators only)."""

from __future__ import annotations

from fastapi import APIRouter

from traintrack.outcomes.entrypoints.api.deps import OperatorKey, Views
from traintrack.outcomes.entrypoints.api.schemas import EnrollmentView, TraineeView
from traintrack.platform.errors import NotFound
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["trainees"])


@router.get("/trainees/{trainee_id}", dependencies=[personal_read("trainee outcomes")])
async def read_trainee(trainee_id: IdPath, views: Views, _: OperatorKey) -> TraineeView:
    """The outcomes projection of one trainee, with the events behind it (operators only)."""
    found = await views.trainee(trainee_id)
    if found is None:
        raise NotFound(f"trainee {trainee_id}")
    return TraineeView(
        **{k: found[k] for k in TraineeView.model_fields if k != "enrollments"},
        enrollments=[
            EnrollmentView(**{k: e[k] for k in EnrollmentView.model_fields})
            for e in found["enrollments"]
        ],
    )
