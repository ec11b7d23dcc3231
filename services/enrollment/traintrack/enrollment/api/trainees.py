"""Trainees: registration (HTTP only: personal details), consent, erasure."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from traintrack.contracts.submissions import ChangeConsent
from traintrack.enrollment import handlers, store
from traintrack.enrollment.api.deps import InstituteActor, OperatorActor, PoolDep, ReaderActor
from traintrack.enrollment.api.schemas import (
    ConsentChange,
    ConsentUpdate,
    TraineeCreate,
    TraineePublic,
)
from traintrack.enrollment.commands import RegisterTrainee
from traintrack.enrollment.domain.trainees import Trainee
from traintrack.platform.web import idempotency
from traintrack.platform.web.idempotency import IdempotencyKey

router = APIRouter(prefix="/v1", tags=["trainees"])


def _public(trainee: Trainee) -> TraineePublic:
    fields = {k: v for k, v in asdict(trainee).items() if k != "personal"}
    personal = asdict(trainee.personal)
    personal["name"] = personal["name"] or None  # erased
    return TraineePublic(**fields, **personal)


@router.post("/trainees", status_code=status.HTTP_201_CREATED, response_model=TraineePublic)
async def register_trainee(
    body: TraineeCreate,
    request: Request,
    pool: PoolDep,
    actor: InstituteActor,
    idempotency_key: IdempotencyKey = None,
) -> TraineePublic | JSONResponse:
    """Register a trainee of the calling institute; the platform issues the pseudonymous id.
    Send an `Idempotency-Key` to retry safely: the same key returns the first trainee."""

    async def register() -> TraineePublic:
        command = RegisterTrainee(**body.model_dump())
        return _public(await handlers.register_trainee(command, actor, conn))

    async with pool.acquire() as conn, conn.transaction():
        return await idempotency.once(request, conn, idempotency_key, body, register)


@router.get("/trainees/{trainee_id}")
async def read_trainee(trainee_id: str, pool: PoolDep, actor: ReaderActor) -> TraineePublic:
    """One trainee with personal details (their institute, or an operator)."""
    async with pool.acquire() as conn:
        return _public(await handlers.trainee_of(actor, trainee_id, conn))


@router.put("/trainees/{trainee_id}/consent")
async def change_consent(
    trainee_id: str, body: ConsentUpdate, pool: PoolDep, actor: InstituteActor
) -> TraineePublic:
    """Record the trainee's consent to be shown to partner firms (their institute)."""
    command = ChangeConsent(trainee_id=trainee_id, share_with_firms=body.share_with_firms)
    async with pool.acquire() as conn, conn.transaction():
        await handlers.change_consent(command, actor, conn)
        return _public(await handlers.trainee_of(actor, trainee_id, conn))


@router.get("/trainees/{trainee_id}/consent-history")
async def consent_history(
    trainee_id: str, pool: PoolDep, actor: ReaderActor
) -> list[ConsentChange]:
    """Every consent given or withdrawn, oldest first (their institute, or an operator)."""
    async with pool.acquire() as conn:
        await handlers.trainee_of(actor, trainee_id, conn)
        return [ConsentChange(**c) for c in await store.consent_history(conn, trainee_id)]


@router.delete("/trainees/{trainee_id}/personal-details", status_code=status.HTTP_204_NO_CONTENT)
async def erase_trainee(trainee_id: str, pool: PoolDep, _: OperatorActor) -> Response:
    """Erase a trainee's personal details; the pseudonymous id remains (operators only)."""
    async with pool.acquire() as conn, conn.transaction():
        await handlers.erase_trainee(trainee_id, conn)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
