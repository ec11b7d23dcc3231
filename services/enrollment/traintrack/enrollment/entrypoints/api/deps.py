"""Dependency aliases the routers share: the bus, the views, the caller.

No `from __future__ import annotations` here: FastAPI reads the annotations of the class
dependency `Once` at definition time, and older releases cannot resolve them as strings."""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from traintrack.enrollment.commands import AnswerOnce
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.views import Views
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role, requires
from traintrack.platform.web.idempotency import Answer, claim_of
from traintrack.platform.web.models import IdPath, IdQuery

M = TypeVar("M", bound=BaseModel)


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


def _bus(request: Request) -> MessageBus[Any]:
    bus: MessageBus[Any] = request.app.state.bus
    return bus


def _views(request: Request) -> Views:
    views: Views = request.app.state.views
    return views


class Once:
    """A creating command sent with an `Idempotency-Key`: run once, its answer replayed to
    every retry with the key (the key and the effect commit together)."""

    def __init__(self, request: Request, bus: Annotated[MessageBus[Any], Depends(_bus)]):
        self._request, self._bus = request, bus

    async def __call__(
        self, command: object, *, key: str | None, body: BaseModel, present: Callable[[Any], M]
    ) -> M | JSONResponse:
        if key is None:
            return present(await self._bus.handle(command))
        claim = claim_of(self._request, key, body)
        assert claim is not None
        answer = await self._bus.handle(AnswerOnce(command, claim, present))
        return answer.response() if isinstance(answer, Answer) else answer


Bus = Annotated[MessageBus[Any], Depends(_bus)]
ViewsDep = Annotated[Views, Depends(_views)]
OnceDep = Annotated[Once, Depends()]
InstituteActor = Annotated[Actor, Depends(_institute)]
ReaderActor = Annotated[Actor, Depends(_institute_or_operator)]
OperatorActor = Annotated[Actor, Depends(_operator)]
# Ids in paths and queries: what the store can hold (PostgreSQL text has no NUL).
CohortIdPath = IdPath
CohortIdQuery = IdQuery
