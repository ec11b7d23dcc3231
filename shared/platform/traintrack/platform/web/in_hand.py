"""The changing request in hand: what the HTTP layer tells the bus, and what the bus leaves
for the HTTP layer to finish.

A route only does `await bus.handle(command)`. The bus finds here whether the command
answers a request (and which: its caller, route and `Idempotency-Key`), so the key's claim,
the first answer and the operator's audit row are written in the transaction of the effect
without any route knowing about them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg

from traintrack.platform.db import Connection
from traintrack.platform.web.audit import AuditRow
from traintrack.platform.web.auth import Principal, Role
from traintrack.platform.web.idempotency import Claim

if TYPE_CHECKING:
    from traintrack.platform.db.uow import UnitOfWork

CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Request:
    """One changing HTTP request. `scope` is its ASGI scope: routing leaves the route
    there and authentication the principal (in `scope["state"]`) before the bus runs."""

    scope: dict[str, Any]
    key: str | None = None
    fingerprint: str = ""
    taken: bool = False  # a bus ran the request's command: a second one runs as before
    pending: UnitOfWork | None = None  # keyed: left open until the answer is known
    audited: bool = False  # its audit row went in with the effect
    replayed: bool = False  # answered with the first answer to its key; nothing ran

    @property
    def principal(self) -> Principal | None:
        state = self.scope.get("state") or {}
        principal = state.get("principal")
        return principal if isinstance(principal, Principal) else None

    @property
    def path(self) -> str:
        # PostgreSQL text holds no NUL: a path refused for one (422) is still recorded.
        return str(self.scope.get("path", "")).replace("\x00", "%00")

    @property
    def action(self) -> str:
        route = self.scope.get("route")
        return f"{self.scope['method']} {getattr(route, 'path', self.path)}"

    @property
    def declared_status(self) -> int:
        """The status the route answers with when it succeeds."""
        return getattr(self.scope.get("route"), "status_code", None) or 200

    @property
    def operator(self) -> Principal | None:
        principal = self.principal
        return principal if principal is not None and principal.role is Role.OPERATOR else None

    def claim(self) -> Claim | None:
        """The key scoped to its caller (role and tenant) and route, as claimed."""
        principal = self.principal
        if self.key is None or principal is None:
            return None
        scope = f"{principal.role}:{principal.tenant} {self.scope['method']} {self.path}"
        return Claim(scope, self.key, self.fingerprint)


_current: ContextVar[Request | None] = ContextVar("traintrack_request_in_hand", default=None)


def current() -> Request | None:
    return _current.get()


def enter(request: Request) -> Any:
    """Make `request` the one in hand; the token resets it."""
    return _current.set(request)


def leave(token: Any) -> None:
    _current.reset(token)


@asynccontextmanager
async def reading(pool: asyncpg.Pool) -> AsyncIterator[Connection]:
    """A connection for a route's read after its command. A keyed request's effect is not
    committed until its answer is kept, so the answer reads it in that transaction."""
    request = current()
    pending = getattr(request.pending, "connection", None) if request is not None else None
    if pending is not None:
        yield pending
        return
    async with pool.acquire() as conn:
        yield conn


def audit_row(request: Request, outcome: int) -> AuditRow | None:
    """The row an operator's changing request leaves in the audit log; None for others."""
    operator = request.operator
    if operator is None:
        return None
    detail = {"replayed": True} if request.replayed else {}
    return AuditRow(operator, request.action, request.path, outcome, detail)
