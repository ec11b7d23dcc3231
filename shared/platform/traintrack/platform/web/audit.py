"""The audit log every service keeps: operator actions (written by the HTTP layer for
every changing request an operator makes), operators' reads of personal details (routes
marked with `personal_read`), and what services record on purpose."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import Depends, FastAPI, Request, Response
from pydantic import BaseModel

from traintrack.platform.db import Connection
from traintrack.platform.web import problems
from traintrack.platform.web.auth import Principal, Role


class AuditEntry(BaseModel):
    audit_id: int
    at: datetime
    key_id: str
    role: str
    tenant: str
    action: str
    target: str
    outcome: int
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditRow:
    """What an operator did, as the audit log keeps it."""

    principal: Principal
    action: str
    target: str
    outcome: int
    detail: dict[str, Any] = field(default_factory=dict)


async def add(conn: Connection | asyncpg.Pool, row: AuditRow) -> None:
    await record(
        conn,
        row.principal,
        action=row.action,
        target=row.target,
        outcome=row.outcome,
        detail=row.detail,
    )


async def record(
    conn: Connection | asyncpg.Pool,
    principal: Principal,
    *,
    action: str,
    target: str,
    outcome: int,
    detail: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        """INSERT INTO audit_log (key_id, role, tenant, action, target, outcome, detail)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        principal.key_id,
        principal.role.value,
        principal.tenant,
        action,
        target,
        outcome,
        detail or {},
    )


async def entries(
    conn: Connection | asyncpg.Pool, *, since: datetime | None, limit: int
) -> list[AuditEntry]:
    rows = await conn.fetch(
        """SELECT * FROM audit_log WHERE $1::timestamptz IS NULL OR at >= $1
           ORDER BY audit_id DESC LIMIT $2""",
        since,
        limit,
    )
    return [AuditEntry(**dict(r)) for r in rows]


def personal_read(what: str, subject: str | None = "trainee_id") -> Any:
    """Mark a route as reading personal details (`dependencies=[personal_read(...)]`): an
    operator's call is audited as `read <what>`, its target the `subject` path or query
    parameter (the trainee it is about), else the path (a list about many)."""

    async def mark(request: Request) -> None:
        about = request.path_params.get(subject) if subject else None
        if about is None and subject:
            about = request.query_params.get(subject)
        request.state.personal_read = (what, about)

    mark.__name__ = f"reads_personal_{what.replace(' ', '_')}"
    return Depends(mark)


def add_personal_read_audit(app: FastAPI) -> None:
    """Operators' reads of routes marked `personal_read` go to the audit log with their
    outcome (a refused or missing one too: the attempt is what an auditor asks about).
    Other callers read only their own tenant's people and are not recorded."""

    @app.middleware("http")
    async def audit_personal_reads(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        read = getattr(request.state, "personal_read", None)
        principal = getattr(request.state, "principal", None)
        if read is not None and principal is not None and principal.role is Role.OPERATOR:
            what, about = read
            path = request.url.path.replace("\x00", "%00")  # PostgreSQL text holds no NUL
            try:
                await record(
                    request.app.state.pool,
                    principal,
                    action=f"read {what}",
                    target=(about or path).replace("\x00", "%00"),
                    outcome=response.status_code,
                    detail={"path": path, "query": request.url.query.replace("\x00", "%00")},
                )
            except problems.UNAVAILABLE:
                return problems.unavailable()  # no personal details served unaudited
        return response
