"""Credentials: anyone may verify; operators may revoke and reinstate."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
from fastapi import APIRouter

from traintrack.evaluation import handlers, operator_actions, records
from traintrack.evaluation.api.deps import PUBLIC, OperatorKey, PoolDep, ReaderKey, SignerDep
from traintrack.evaluation.api.schemas import (
    CredentialOut,
    ReinstateIn,
    RevokeIn,
    VerifyIn,
    VerifyOut,
)
from traintrack.evaluation.credentials import InvalidCredential
from traintrack.platform.errors import NotFound
from traintrack.platform.web.models import IdPath

router = APIRouter(tags=["credentials"])


async def _read(conn: asyncpg.Connection, credential_id: str) -> CredentialOut:
    stored = await records.get_credential(conn, credential_id)
    if stored is None:
        raise NotFound(f"credential {credential_id}")
    return CredentialOut(**{**stored, "credential": stored["jwt"]})


@router.get("/.well-known/jwks.json", openapi_extra=PUBLIC)
async def jwks(signer: SignerDep) -> dict[str, Any]:
    """The public key that signs credentials (public)."""
    return signer.jwks()


@router.post("/v1/credentials/verify", openapi_extra=PUBLIC)
async def verify(body: VerifyIn, pool: PoolDep, signer: SignerDep) -> VerifyOut:
    """Check a credential's signature, validity window and revocation status (public)."""
    try:
        claims = signer.verify(body.credential, now=datetime.now(UTC))
    except InvalidCredential as error:
        return VerifyOut(valid=False, reason=str(error))
    async with pool.acquire() as conn:
        stored = await records.get_credential(conn, claims["jti"])
    if stored is None:
        return VerifyOut(valid=False, credential_id=claims["jti"], reason="unknown credential")
    if stored["revoked_at"] is not None:
        return VerifyOut(
            valid=False,
            credential_id=claims["jti"],
            trainee_id=claims["sub"],
            reason=f"revoked: {stored['revocation_reason']}",
        )
    return VerifyOut(valid=True, credential_id=claims["jti"], trainee_id=claims["sub"])


@router.get("/v1/credentials/{credential_id}/status", openapi_extra=PUBLIC)
async def credential_status(credential_id: IdPath, pool: PoolDep) -> dict[str, Any]:
    """Whether a credential is revoked (public; the credentialStatus of each credential)."""
    async with pool.acquire() as conn:
        stored = await records.get_credential(conn, credential_id)
    if stored is None:
        raise NotFound(f"credential {credential_id}")
    return {
        "credential_id": credential_id,
        "revoked": stored["revoked_at"] is not None,
        "revoked_at": stored["revoked_at"],
    }


@router.get("/v1/credentials/{credential_id}")
async def read_credential(
    credential_id: IdPath, pool: PoolDep, principal: ReaderKey
) -> CredentialOut:
    """A credential, for the enrollment's institute, a firm assessing the trainee, or an
    operator."""
    async with pool.acquire() as conn:
        credential = await _read(conn, credential_id)
        await handlers.visible_enrollment(conn, principal, credential.enrollment_id or "")
    return credential


@router.post("/v1/credentials/{credential_id}/revocation")
async def revoke(
    credential_id: IdPath, body: RevokeIn, pool: PoolDep, principal: OperatorKey
) -> CredentialOut:
    """Revoke a credential by hand (operators; audited). Final: later evidence never
    reissues one for that enrollment until an operator reinstates it."""
    async with pool.acquire() as conn, conn.transaction():
        await operator_actions.revoke_by_hand(conn, principal, credential_id, body.reason)
        return await _read(conn, credential_id)


@router.post("/v1/credentials/{credential_id}/reinstatement")
async def reinstate(
    credential_id: IdPath, body: ReinstateIn, pool: PoolDep, principal: OperatorKey
) -> CredentialOut:
    """Reinstate a credential revoked by hand, with the reason (operators; audited). Refused
    (409) when it was not revoked by hand or its basis no longer holds."""
    async with pool.acquire() as conn, conn.transaction():
        await operator_actions.reinstate(conn, principal, credential_id, body.reason)
        return await _read(conn, credential_id)
