"""The repairs of dead letters, kept in the service's audit log (the shared `audit_log`
table): the operator, the letter, what was done and why."""

from __future__ import annotations

from typing import Any

import asyncpg

from traintrack.operations.domain.dead_letters import DeadLetter, Repair
from traintrack.platform.db import Connection
from traintrack.platform.web import audit
from traintrack.platform.web.auth import Principal


class RepairLog:
    def __init__(self, db: Connection | asyncpg.Pool) -> None:
        self.db = db

    async def repairs(self) -> list[tuple[str, Repair]]:
        """Every repair as (dead letter ref, repair), in the order made."""
        rows = await self.db.fetch(
            "SELECT action, target FROM audit_log WHERE action = ANY($1::text[]) ORDER BY audit_id",
            [r.value for r in Repair],
        )
        return [(r["target"], Repair(r["action"])) for r in rows]

    async def record(
        self, repair: Repair, letter: DeadLetter, *, by: Principal, detail: dict[str, Any]
    ) -> None:
        await audit.record(
            self.db, by, action=repair.value, target=letter.ref, outcome=200, detail=detail
        )
