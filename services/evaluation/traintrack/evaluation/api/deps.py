"""Dependency aliases the routers share."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from traintrack.evaluation.credentials import Signer
from traintrack.platform.web.auth import Principal, Role, requires


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _signer(request: Request) -> Signer:
    signer: Signer = request.app.state.signer
    return signer


PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
SignerDep = Annotated[Signer, Depends(_signer)]
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]
InstituteKey = Annotated[Principal, Depends(requires(Role.INSTITUTE))]
AssessorKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.FIRM))]
ReaderKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.FIRM, Role.OPERATOR))]
# Public by design: anyone may verify a credential (marked for the authorization tests).
PUBLIC = {"x-public": True}
# An id in a path: a bad one (a NUL, say) is a 422 naming it, never a 500 from the store.
