"""Dependency aliases the routers share, and who may call what."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from traintrack.matching.settings import MatchingSettings
from traintrack.matching.store import firms
from traintrack.platform.errors import Conflict
from traintrack.platform.web.auth import Principal, Role, requires


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _settings(request: Request) -> MatchingSettings:
    settings: MatchingSettings = request.app.state.settings
    return settings


async def registered_firm(conn: asyncpg.Connection, principal: Principal) -> None:
    """A firm key whose firm an operator has not registered yet may read, not publish."""
    if await firms.get_firm(conn, principal.tenant) is None:
        raise Conflict(f"firm {principal.tenant} is not registered; ask an operator")


PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
SettingsDep = Annotated[MatchingSettings, Depends(_settings)]
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]
FirmKey = Annotated[Principal, Depends(requires(Role.FIRM))]
InstituteKey = Annotated[Principal, Depends(requires(Role.INSTITUTE))]
FirmOrOperatorKey = Annotated[Principal, Depends(requires(Role.FIRM, Role.OPERATOR))]
InstituteOrOperatorKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.OPERATOR))]
AnyKey = Annotated[Principal, Depends(requires(Role.FIRM, Role.INSTITUTE, Role.OPERATOR))]
