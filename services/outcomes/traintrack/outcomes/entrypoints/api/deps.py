"""Dependency aliases the routers share: the bus, the views and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from traintrack.outcomes.adapters.uow import OutcomesUnitOfWork
from traintrack.outcomes.views import Views as _Views
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role, requires


async def _bus(request: Request) -> MessageBus[OutcomesUnitOfWork]:
    bus: MessageBus[OutcomesUnitOfWork] = request.app.state.bus
    return bus


async def _views(request: Request) -> _Views:
    views: _Views = request.app.state.views
    return views


Bus = Annotated[MessageBus[OutcomesUnitOfWork], Depends(_bus)]
Views = Annotated[_Views, Depends(_views)]
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]
ReporterKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.FIRM, Role.OPERATOR))]
# Public by design: published indicators (small cells suppressed), definitions, dashboard.
PUBLIC = {"x-public": True}
