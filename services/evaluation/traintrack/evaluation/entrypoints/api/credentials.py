"""Credentials: anyone may verify, read the public keys and the status lists; operators
may revoke and reinstate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from traintrack.evaluation.commands import ReinstateCredential, RevokeCredential
from traintrack.evaluation.domain.status_list import TTL_MS
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
ListId = Annotated[int, Path(ge=0, le=2**31 - 1)]
# VC-JOSE-COSE's media type of a verifiable credential secured as a JWT
VC_JWT = "application/vc+jwt"


@router.get("/.well-known/jwks.json", openapi_extra=PUBLIC)
async def jwks(views: Views) -> dict[str, Any]:
    """The public keys that verify credentials, each by its `kid` (public)."""
    return views.jwks()


@router.get(
    "/v1/status-lists/{list_id}",
    openapi_extra=PUBLIC,
    response_class=Response,
    responses={200: {"content": {VC_JWT: {"schema": {"type": "string"}}}}},
)
async def status_list(list_id: ListId, views: Views) -> Response:
    """A W3C Bitstring Status List credential (VC-JWT): bit `statusListIndex` of its
    `encodedList` is set while the credential naming it is revoked (public)."""
    return Response(
        await views.status_list(list_id),
        media_type=VC_JWT,
        headers={"Cache-Control": f"public, max-age={TTL_MS // 1000}"},
    )


@router.post("/v1/credentials/verify", openapi_extra=PUBLIC)
async def verify(body: VerifyIn, views: Views) -> VerifyOut:
    """Check a credential's signature, validity window and revocation status (public)."""
    return VerifyOut(**await views.verify(body.credential))


@router.get("/v1/credentials/{credential_id}/status", openapi_extra=PUBLIC, deprecated=True)
async def credential_status(credential_id: IdPath, views: Views) -> dict[str, Any]:
    """Whether a credential is revoked (public). Kept for the credentials issued before the
    status lists: their signed `credentialStatus` names this URL; newer ones name a list."""
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
