"""Credentials: anyone may verify; operators may revoke."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter

from evaluation import handlers, store
from evaluation.api.deps import PUBLIC, OperatorKey, PoolDep, ReaderKey, SignerDep
from evaluation.api.schemas import CredentialOut, RevokeIn, VerifyIn, VerifyOut
from evaluation.credentials import InvalidCredential
from traintrack_shared.errors import NotFound

router = APIRouter(tags=["credentials"])


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
        stored = await store.get_credential(conn, claims["jti"])
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
async def credential_status(credential_id: str, pool: PoolDep) -> dict[str, Any]:
    """Whether a credential is revoked (public; the credentialStatus of each credential)."""
    async with pool.acquire() as conn:
        stored = await store.get_credential(conn, credential_id)
    if stored is None:
        raise NotFound(f"credential {credential_id}")
    return {
        "credential_id": credential_id,
        "revoked": stored["revoked_at"] is not None,
        "revoked_at": stored["revoked_at"],
    }


@router.get("/v1/credentials/{credential_id}")
async def read_credential(credential_id: str, pool: PoolDep, principal: ReaderKey) -> CredentialOut:
    """A credential, for the trainee's institute, a firm assessing them, or an operator."""
    async with pool.acquire() as conn:
        stored = await store.get_credential(conn, credential_id)
        if stored is None:
            raise NotFound(f"credential {credential_id}")
        await handlers.visible_trainee(conn, principal, stored["trainee_id"])
    return CredentialOut(**{**stored, "credential": stored["jwt"]})


@router.post("/v1/credentials/{credential_id}/revocation")
async def revoke(
    credential_id: str, body: RevokeIn, pool: PoolDep, _: OperatorKey
) -> CredentialOut:
    """Revoke a credential (operators); the revocation is announced at once."""
    async with pool.acquire() as conn, conn.transaction():
        stored = await store.get_credential(conn, credential_id)
        if stored is None:
            raise NotFound(f"credential {credential_id}")
        if stored["revoked_at"] is None:
            await handlers.revoke_and_announce(
                conn, credential_id, stored["trainee_id"], body.reason, datetime.now(UTC)
            )
            stored = await store.get_credential(conn, credential_id)
    assert stored is not None
    return CredentialOut(**{**stored, "credential": stored["jwt"]})
