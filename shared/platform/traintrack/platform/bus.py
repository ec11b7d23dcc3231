"""Dispatch: the one way a route or an agent runs a command.

Each service declares `HANDLERS = {CommandClass: verb_noun}` in its handlers module; the
bus opens a unit of work, runs the command's handler in it and commits if the handler
returned. A refusal (`traintrack.platform.errors.Rejected`) leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

from traintrack.platform.db.uow import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)
Handler = Callable[[Any, U], Awaitable[Any]]


class MessageBus(Generic[U]):
    def __init__(self, handlers: Mapping[type, Handler[U]], uow: Callable[[], U]) -> None:
        self._handlers = handlers
        self._uow = uow

    async def handle(self, command: object) -> Any:
        """Run `command` in a new unit of work; its handler's answer, once committed."""
        async with self._uow() as uow:
            return await self.handle_in(command, uow)

    async def handle_in(self, command: object, uow: U) -> Any:
        """Run `command` in `uow`, already open (a worker's batch shares one), and commit."""
        handler = self._handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        answer = await handler(command, uow)
        await uow.commit()
        return answer
