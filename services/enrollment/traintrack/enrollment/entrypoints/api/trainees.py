"""Trainees: registration (HTTP only: personal details), consent, erasure."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response, status

from traintrack.contracts import submissions
from traintrack.enrollment.commands import ChangeConsent, EraseTrainee, RegisterTrainee
from traintrack.enrollment.domain.trainees import Trainee
from traintrack.enrollment.entrypoints.api.deps import (
    Bus,
    InstituteActor,
    OperatorActor,
    ReaderActor,
    ViewsDep,
)
from traintrack.enrollment.entrypoints.api.schemas import (
    ConsentChange,
    ConsentUpdate,
    TraineeCreate,
    TraineePublic,
)
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["trainees"])


def _public(trainee: Trainee) -> TraineePublic:
    fields = {k: v for k, v in asdict(trainee).items() if k not in ("personal", "erased")}
    personal = asdict(trainee.personal)
    personal["name"] = personal["name"] or None  # erased
    return TraineePublic(**fields, **personal)


@router.post("/trainees", status_code=status.HTTP_201_CREATED, response_model=TraineePublic)
async def register_trainee(
    body: TraineeCreate,
    bus: Bus,
    actor: InstituteActor,
) -> TraineePublic:
    """Register a trainee of the calling institute; the platform issues the pseudonymous id.
    Send an `Idempotency-Key` to retry safely: the same key returns the first trainee."""
    command = RegisterTrainee(actor, **body.model_dump())
    return _public(await bus.handle(command))


@router.get("/trainees/{trainee_id}", dependencies=[personal_read("trainee")])
async def read_trainee(trainee_id: IdPath, views: ViewsDep, actor: ReaderActor) -> TraineePublic:
    """One trainee with personal details (their institute, or an operator)."""
    return _public(await views.trainee(actor, trainee_id))


@router.put("/trainees/{trainee_id}/consent")
async def change_consent(
    trainee_id: IdPath, body: ConsentUpdate, bus: Bus, actor: InstituteActor
) -> TraineePublic:
    """Record the trainee's consent to be shown to partner firms (their institute)."""
    # Through the submission contract: the path's id is checked as on Kafka.
    change = submissions.ChangeConsent(
        trainee_id=trainee_id, share_with_firms=body.share_with_firms
    )
    return _public(await bus.handle(ChangeConsent(actor, **change.model_dump())))


@router.get(
    "/trainees/{trainee_id}/consent-history", dependencies=[personal_read("consent history")]
)
async def consent_history(
    trainee_id: IdPath, views: ViewsDep, actor: ReaderActor
) -> list[ConsentChange]:
    """Every consent given or withdrawn, oldest first (their institute, or an operator)."""
    return [ConsentChange(**c) for c in await views.consent_history(actor, trainee_id)]


@router.delete("/trainees/{trainee_id}/personal-details", status_code=status.HTTP_204_NO_CONTENT)
async def erase_trainee(trainee_id: IdPath, bus: Bus, actor: OperatorActor) -> Response:
    """Erase a trainee's personal details; the pseudonymous id remains (operators only)."""
    await bus.handle(EraseTrainee(actor, trainee_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
