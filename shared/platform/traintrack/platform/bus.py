"""Dispatch: the one way a route or an agent runs a command.

Each service declares `HANDLERS = {CommandClass: verb_noun}` in its handlers module; the
bus opens a unit of work, runs the command's handler in it and commits if the handler
returned. A refusal (`traintrack.platform.errors.Rejected`) leaves nothing behind.

When the command answers a changing HTTP request (`web.in_hand`), what the request owes
is written in the same transaction as its effect: an operator's audit row, and the claim
of its `Idempotency-Key`. A keyed request's unit of work is left open for the HTTP layer,
which stores the answer the route gave and commits (`web.idempotency.KeyedRequests`); a
key used before raises `Replayed` with the first answer, and nothing runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

from traintrack.platform.db.uow import UnitOfWork
from traintrack.platform.web import in_hand
from traintrack.platform.web.idempotency import Answer

U = TypeVar("U", bound=UnitOfWork)
Handler = Callable[[Any, U], Awaitable[Any]]


class Replayed(Exception):
    """The request's Idempotency-Key was used before: answer `answer` again."""

    def __init__(self, answer: Answer) -> None:
        super().__init__("replayed")
        self.answer = answer


class MessageBus(Generic[U]):
    def __init__(self, handlers: Mapping[type, Handler[U]], uow: Callable[[], U]) -> None:
        self._handlers = handlers
        self._uow = uow

    async def handle(self, command: object) -> Any:
        """Run `command` in a new unit of work; its handler's answer, once committed (or,
        for a request with an Idempotency-Key, once the HTTP layer commits)."""
        request = in_hand.current()
        if request is None or request.taken:
            async with self._uow() as uow:
                return await self.handle_in(command, uow)
        request.taken = True
        claimed = request.claim()
        if claimed is None:
            async with self._uow() as uow:
                answer = await self._run(command, uow)
                await self._audit(request, uow, request.declared_status)
                await uow.commit()
                request.audited = request.operator is not None
                return answer
        uow = self._uow()
        await uow.__aenter__()
        try:
            first = await uow.claim(claimed)
            if first is not None:
                raise Replayed(first)
            answer = await self._run(command, uow)
        except BaseException as error:
            await uow.__aexit__(type(error), error, error.__traceback__)
            raise
        request.pending = uow
        return answer

    async def handle_in(self, command: object, uow: U) -> Any:
        """Run `command` in `uow`, already open (a worker's batch shares one), and commit."""
        answer = await self._run(command, uow)
        await uow.commit()
        return answer

    async def _run(self, command: object, uow: U) -> Any:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        return await handler(command, uow)

    @staticmethod
    async def _audit(request: in_hand.Request, uow: UnitOfWork, outcome: int) -> None:
        row = in_hand.audit_row(request, outcome)
        if row is not None:
            await uow.record_audit(row)


async def finish(request: in_hand.Request, status: int, answer: Answer | None) -> None:
    """Finish a keyed request's unit of work once its route answered `status`: keep the
    answer (a success) with the audit row and commit, or roll everything back (a failure
    after the handler: the client saw no success, so nothing may have happened)."""
    uow, request.pending = request.pending, None
    if uow is None:
        return
    try:
        if answer is not None and status < 400:
            claimed = request.claim()
            assert claimed is not None
            await uow.remember(claimed, answer)
            await MessageBus._audit(request, uow, status)
            await uow.commit()
            request.audited = request.operator is not None
    except BaseException as error:
        # What went wrong is `error`; a failing clean-up after it must not hide it.
        with contextlib.suppress(Exception):
            await uow.__aexit__(type(error), error, error.__traceback__)
        raise
    await uow.__aexit__(None, None, None)
