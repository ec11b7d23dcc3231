"""The unit of work: one transaction that a handler's reads, writes and events share.

A handler sees repositories and `emit`; it never sees a connection. The events it emits
are written to the outbox at commit, in the same transaction as the state, so both
happen or neither does. Leaving the block without `commit()` rolls everything back.
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import ClassVar, Self

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from traintrack.contracts import EventData
from traintrack.platform.db import Connection
from traintrack.platform.db.pool import vouch_no_session_state
from traintrack.platform.messaging import outbox
from traintrack.platform.web import audit, idempotency
from traintrack.platform.web.audit import AuditRow
from traintrack.platform.web.idempotency import Answer, Claim

ACQUIRE_TIMEOUT = 10.0  # seconds


class UnitOfWork(abc.ABC):
    def __init__(self) -> None:
        self.committed = False
        self._events: list[EventData] = []

    def emit(self, *events: EventData) -> None:
        """Publish `events` if, and only if, this unit of work commits."""
        self._events.extend(events)

    async def __aenter__(self) -> Self:
        self.committed, self._events = False, []
        await self._begin()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                await self.rollback()
        finally:
            await self._end()

    async def commit(self) -> None:
        events, self._events = self._events, []
        await self._commit(events)
        self.committed = True

    # What the bus writes beside a request's effect, in its transaction (see bus.py).

    @abc.abstractmethod
    async def claim(self, claimed: Claim) -> Answer | None:
        """Claim an Idempotency-Key: None the first time, else the first answer given."""

    @abc.abstractmethod
    async def remember(self, claimed: Claim, answer: Answer) -> None:
        """Keep the answer to a claimed key, for its retries."""

    @abc.abstractmethod
    async def record_audit(self, row: AuditRow) -> None:
        """Record an operator's change in the audit log."""

    @abc.abstractmethod
    async def _begin(self) -> None: ...

    @abc.abstractmethod
    async def _commit(self, events: list[EventData]) -> None: ...

    @abc.abstractmethod
    async def rollback(self) -> None: ...

    async def _end(self) -> None:
        return None


class PostgresUnitOfWork(UnitOfWork):
    """A unit of work on asyncpg. Built on a pool it takes a connection of its own; built on
    a connection already in a transaction (a worker's, whose inbox claim shares it) it is a
    savepoint inside that transaction. Subclasses make their repositories in `bind`."""

    source: ClassVar[str]  # the CloudEvents source of what the service emits

    def __init__(
        self,
        pool: asyncpg.Pool | None = None,
        *,
        connection: Connection | None = None,
    ) -> None:
        super().__init__()
        if (pool is None) == (connection is None):
            raise ValueError("a unit of work runs on a pool or on a connection, not both")
        self._pool = pool
        self._given = connection
        self._connection: Connection | None = connection
        self._lent: PoolConnectionProxy | None = None  # from the pool, back to it at the end
        self._transaction: asyncpg.transaction.Transaction | None = None

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "outside `async with`"
        return self._connection

    @abc.abstractmethod
    def bind(self, connection: Connection) -> None:
        """Make this service's repositories on `connection`."""

    async def claim(self, claimed: Claim) -> Answer | None:
        return await idempotency.claim(self.connection, claimed)

    async def remember(self, claimed: Claim, answer: Answer) -> None:
        await idempotency.remember(self.connection, claimed, answer)

    async def record_audit(self, row: AuditRow) -> None:
        await audit.add(self.connection, row)

    async def _begin(self) -> None:
        if self._pool is not None:
            # A database that does not answer must not hold the request for ever: the
            # timeout is answered 503 like a refused connection.
            self._connection = self._lent = await self._pool.acquire(timeout=ACQUIRE_TIMEOUT)
        try:
            self._transaction = self.connection.transaction()
            await self._transaction.start()
        except BaseException:
            await self._end()
            raise
        self.bind(self.connection)

    async def _commit(self, events: list[EventData]) -> None:
        assert self._transaction is not None
        await outbox.add_events(self.connection, events, source=self.source)
        await self._transaction.commit()
        self._transaction = None

    async def rollback(self) -> None:
        if self._transaction is not None:
            transaction, self._transaction = self._transaction, None
            if self._lost():
                return  # gone with its connection: PostgreSQL rolled it back (or committed it)
            await transaction.rollback()

    def _lost(self, connection: Connection | None = None) -> bool:
        try:
            return (connection or self.connection).is_closed()
        except asyncpg.InterfaceError:  # the pool took back a connection that broke
            return True

    async def _end(self) -> None:
        if self._pool is not None and self._lent is not None:
            lent, self._lent, self._connection = self._lent, None, None
            # A unit of work is one transaction and leaves no session state (its locks are
            # pg_advisory_xact_lock, its settings SET LOCAL): no reset query on release.
            if not self._lost(lent):
                vouch_no_session_state(lent)
            await self._pool.release(lent)
