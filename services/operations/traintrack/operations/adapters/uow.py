"""The operations unit of work: the repair log on one transaction, and the dead-letter
topics. Operations emits no events; its outbox stays empty."""

from __future__ import annotations

import asyncpg

from traintrack.operations.adapters.dead_letters import KafkaDeadLetters
from traintrack.operations.adapters.repository import RepairLog
from traintrack.platform.db import Connection
from traintrack.platform.db.uow import PostgresUnitOfWork


class OperationsUnitOfWork(PostgresUnitOfWork):
    source = "/traintrack/operations"
    repairs: RepairLog

    def __init__(self, pool: asyncpg.Pool, *, dead_letters: KafkaDeadLetters) -> None:
        super().__init__(pool)
        self.dead_letters = dead_letters

    def bind(self, connection: Connection) -> None:
        self.repairs = RepairLog(connection)

    async def _end(self) -> None:
        try:
            await self.dead_letters.close()
        finally:
            await super()._end()
