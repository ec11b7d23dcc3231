"""Dependency aliases the routers share."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request

from traintrack.enrollment.commands import Actor
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.platform.web.auth import Principal, Role, requires
from traintrack.platform.web.models import ID_PATTERN, IdPath


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def actor_of(principal: Principal) -> Actor:
    if principal.role is Role.OPERATOR:
        return Actor(f"operator:{principal.key_id}", None)
    return Actor(f"institute:{principal.tenant}", principal.tenant)


def _institute(principal: Annotated[Principal, Depends(requires(Role.INSTITUTE))]) -> Actor:
    return actor_of(principal)


def _institute_or_operator(
    principal: Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.OPERATOR))],
) -> Actor:
    return actor_of(principal)


def _operator(principal: Annotated[Principal, Depends(requires(Role.OPERATOR))]) -> Actor:
    return actor_of(principal)


def _settings(request: Request) -> EnrollmentSettings:
    settings = request.app.state.settings
    assert isinstance(settings, EnrollmentSettings)
    return settings


def _warn_below(request: Request) -> Fraction:
    return _settings(request).warn_below


PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
InstituteActor = Annotated[Actor, Depends(_institute)]
ReaderActor = Annotated[Actor, Depends(_institute_or_operator)]
OperatorActor = Annotated[Actor, Depends(_operator)]
SettingsDep = Annotated[EnrollmentSettings, Depends(_settings)]
WarnBelow = Annotated[Fraction, Depends(_warn_below)]
# Ids in paths and queries: what the store can hold (PostgreSQL text has no NUL).
CohortIdPath = IdPath
CohortIdQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN)]
