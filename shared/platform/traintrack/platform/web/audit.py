"""The audit log every service keeps: operator actions (written by the HTTP layer for
every changing request an operator makes) and what services record on purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from traintrack.platform.db import Connection
from traintrack.platform.web.auth import Principal


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
