"""In-memory stand-ins for unit tests of handlers: no PostgreSQL, no Kafka.

A service's fake unit of work subclasses `FakeUnitOfWork` and gives it fake repositories
(dicts behind the same methods as the real repositories)."""

from __future__ import annotations

from traintrack.contracts import EventData
from traintrack.platform.db.uow import UnitOfWork


class FakeUnitOfWork(UnitOfWork):
    """Remembers what a handler published (only once committed) and every rollback."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[EventData] = []
        self.rollbacks = 0

    async def _begin(self) -> None:
        return None

    async def _commit(self, events: list[EventData]) -> None:
        self.published.extend(events)

    async def rollback(self) -> None:
        self.rollbacks += 1

    def published_types(self) -> list[str]:
        return [e.type for e in self.published]
