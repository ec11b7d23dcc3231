"""Dependency aliases the routers share: the bus, the views, the caller.

No `from __future__ import annotations` here: FastAPI reads the annotations of the class
dependency `Once` at definition time, and older releases cannot resolve them as strings."""

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel

from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.views import Views
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role, requires
from traintrack.platform.web.models import IdPath, IdQuery

M = TypeVar("M", bound=BaseModel)


def actor_of(principal: Principal) -> Actor:
    if principal.role is Role.OPERATOR:
        return Actor(f"operator:{principal.key_id}", None)
    return Actor(f"institute:{principal.tenant}", principal.tenant)


async def _institute(principal: Annotated[Principal, Depends(requires(Role.INSTITUTE))]) -> Actor:
    return actor_of(principal)


async def _institute_or_operator(
    principal: Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.OPERATOR))],
) -> Actor:
    return actor_of(principal)


async def _operator(principal: Annotated[Principal, Depends(requires(Role.OPERATOR))]) -> Actor:
    return actor_of(principal)


async def _bus(request: Request) -> MessageBus[Any]:
    bus: MessageBus[Any] = request.app.state.bus
    return bus


async def _views(request: Request) -> Views:
    views: Views = request.app.state.views
    return views


Bus = Annotated[MessageBus[Any], Depends(_bus)]
ViewsDep = Annotated[Views, Depends(_views)]
InstituteActor = Annotated[Actor, Depends(_institute)]
ReaderActor = Annotated[Actor, Depends(_institute_or_operator)]
OperatorActor = Annotated[Actor, Depends(_operator)]
# Ids in paths and queries: what the store can hold (PostgreSQL text has no NUL).
CohortIdPath = IdPath
CohortIdQuery = IdQuery
