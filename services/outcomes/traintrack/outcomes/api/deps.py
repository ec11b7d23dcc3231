"""Dependency aliases the routers share, and who may call what."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from traintrack.platform.web.auth import Principal, Role, requires


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]
ReporterKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.FIRM, Role.OPERATOR))]
# Public by design: published indicators (small cells suppressed), definitions, dashboard.
PUBLIC = {"x-public": True}
