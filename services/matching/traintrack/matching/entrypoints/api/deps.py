"""Dependency aliases the routers share: the bus, the views, the settings, the outbound
guard and clock, and who is calling."""

# No `from __future__ import annotations`: FastAPI reads the nested caller dependency
# from an annotation that names a local of `_caller`.

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from traintrack.matching.adapters.outbound import OutboundGuard
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.adapters.webhook_sender import Clock
from traintrack.matching.domain.access import Caller
from traintrack.matching.settings import MatchingSettings
from traintrack.matching.views import MatchingViews
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role, requires


async def _bus(request: Request) -> MessageBus[MatchingUnitOfWork]:
    bus: MessageBus[MatchingUnitOfWork] = request.app.state.bus
    return bus


async def _views(request: Request) -> MatchingViews:
    views: MatchingViews = request.app.state.views
    return views


async def _settings(request: Request) -> MatchingSettings:
    settings: MatchingSettings = request.app.state.settings
    return settings


async def _outbound(request: Request) -> OutboundGuard:
    guard: OutboundGuard = request.app.state.outbound
    return guard


async def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _caller(*roles: Role) -> Callable[[Principal], Awaitable[Caller]]:
    """The caller, once their key is known to hold one of `roles`."""

    async def caller(principal: Annotated[Principal, Depends(requires(*roles))]) -> Caller:
        return Caller(role=principal.role.value, tenant=principal.tenant)

    return caller


Bus = Annotated[MessageBus[MatchingUnitOfWork], Depends(_bus)]
Views = Annotated[MatchingViews, Depends(_views)]
SettingsDep = Annotated[MatchingSettings, Depends(_settings)]
Outbound = Annotated[OutboundGuard, Depends(_outbound)]
ClockDep = Annotated[Clock, Depends(_clock)]
OperatorKey = Annotated[Caller, Depends(_caller(Role.OPERATOR))]
FirmKey = Annotated[Caller, Depends(_caller(Role.FIRM))]
InstituteKey = Annotated[Caller, Depends(_caller(Role.INSTITUTE))]
FirmOrOperatorKey = Annotated[Caller, Depends(_caller(Role.FIRM, Role.OPERATOR))]
InstituteOrOperatorKey = Annotated[Caller, Depends(_caller(Role.INSTITUTE, Role.OPERATOR))]
AnyKey = Annotated[Caller, Depends(_caller(Role.FIRM, Role.INSTITUTE, Role.OPERATOR))]
