"""Dependency aliases the routers share."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from traintrack_shared.auth import Principal, Role, requires


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
InstituteKey = Annotated[Principal, Depends(requires(Role.INSTITUTE))]
InstituteOrOperatorKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.OPERATOR))]
