"""Credentials: anyone may verify; operators may revoke and reinstate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from traintrack.evaluation.commands import ReinstateCredential, RevokeCredential
from traintrack.evaluation.entrypoints.api.deps import PUBLIC, Bus, OperatorKey, ReaderKey, Views
from traintrack.evaluation.entrypoints.api.schemas import (
    CredentialOut,
    ReinstateIn,
    RevokeIn,
    VerifyIn,
    VerifyOut,
)
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(tags=["credentials"])


@router.get("/.well-known/jwks.json", openapi_extra=PUBLIC)
async def jwks(views: Views) -> dict[str, Any]:
    """The public key that signs credentials (public)."""
    return views.jwks()


@router.post("/v1/credentials/verify", openapi_extra=PUBLIC)
async def verify(body: VerifyIn, views: Views) -> VerifyOut:
    """Check a credential's signature, validity window and revocation status (public)."""
    return VerifyOut(**await views.verify(body.credential))


@router.get("/v1/credentials/{credential_id}/status", openapi_extra=PUBLIC)
async def credential_status(credential_id: IdPath, views: Views) -> dict[str, Any]:
    """Whether a credential is revoked (public; the credentialStatus of each credential)."""
    return await views.credential_status(credential_id)


@router.get("/v1/credentials/{credential_id}")
async def read_credential(
    credential_id: IdPath, views: Views, principal: ReaderKey
) -> CredentialOut:
    """A credential, for the enrollment's institute, a firm assessing the trainee, or an
    operator."""
    return CredentialOut(**await views.credential_for(principal, credential_id))


@router.post("/v1/credentials/{credential_id}/revocation")
async def revoke(
    credential_id: IdPath, body: RevokeIn, bus: Bus, views: Views, principal: OperatorKey
) -> CredentialOut:
    """Revoke a credential by hand (operators; audited). Final: later evidence never
    reissues one for that enrollment until an operator reinstates it."""
    await bus.handle(RevokeCredential(principal, credential_id, body.reason))
    return CredentialOut(**await views.credential(credential_id))


@router.post("/v1/credentials/{credential_id}/reinstatement", responses=errors(409))
async def reinstate(
    credential_id: IdPath, body: ReinstateIn, bus: Bus, views: Views, principal: OperatorKey
) -> CredentialOut:
    """Reinstate a credential revoked by hand, with the reason (operators; audited). Refused
    (409) when it was not revoked by hand or its basis no longer holds."""
    await bus.handle(ReinstateCredential(principal, credential_id, body.reason))
    return CredentialOut(**await views.credential(credential_id))
