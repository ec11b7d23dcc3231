"""What routes depend on: the bus (commands), the views (queries) and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from traintrack.operations.adapters.uow import OperationsUnitOfWork
from traintrack.operations.views import OperationsViews
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role, requires


async def _bus(request: Request) -> MessageBus[OperationsUnitOfWork]:
    bus: MessageBus[OperationsUnitOfWork] = request.app.state.bus
    return bus


async def _views(request: Request) -> OperationsViews:
    views: OperationsViews = request.app.state.views
    return views


async def _api_key(request: Request) -> str:
    return request.headers.get("X-API-Key", "")


Bus = Annotated[MessageBus[OperationsUnitOfWork], Depends(_bus)]
Views = Annotated[OperationsViews, Depends(_views)]
Operator = Annotated[Principal, Depends(requires(Role.OPERATOR))]
# The caller's own key, to ask the other services with (each applies its own rules).
CallerKey = Annotated[str, Depends(_api_key)]
PUBLIC = {"x-public": True}  # openapi_extra of the routes anyone may call
