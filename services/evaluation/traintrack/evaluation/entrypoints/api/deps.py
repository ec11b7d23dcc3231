"""Dependency aliases the routers share: the bus that runs commands, the read side, and
the caller as each route's roles allow."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork
from traintrack.evaluation.views import Views as ReadSide
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role, requires


async def _bus(request: Request) -> MessageBus[EvaluationUnitOfWork]:
    bus: MessageBus[EvaluationUnitOfWork] = request.app.state.bus
    return bus


async def _views(request: Request) -> ReadSide:
    views: ReadSide = request.app.state.views
    return views


Bus = Annotated[MessageBus[EvaluationUnitOfWork], Depends(_bus)]
Views = Annotated[ReadSide, Depends(_views)]
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]
InstituteKey = Annotated[Principal, Depends(requires(Role.INSTITUTE))]
AssessorKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.FIRM))]
ReaderKey = Annotated[Principal, Depends(requires(Role.INSTITUTE, Role.FIRM, Role.OPERATOR))]
# Public by design: anyone may verify a credential (marked for the authorization tests).
PUBLIC = {"x-public": True}
