"""The closing sweep, driven from outside the domain: by the API process every so often
and by an operator on demand. Each round is one command (one transaction, up to its
limit of enrollments), so a long sweep never holds thousands of rows at once."""

from __future__ import annotations

from typing import Any

from traintrack.enrollment.commands import CloseDueEnrollments, today
from traintrack.enrollment.domain.closing import Closed
from traintrack.platform.bus import MessageBus
from traintrack.platform.polling import Polls

CLOSING_LOOP = "enrollment-closing"


async def close_due_enrollments(bus: MessageBus[Any]) -> Closed:
    """Every enrollment whose last open day has passed, round after round."""
    total, day = Closed(), today()
    while True:
        closed: Closed = await bus.handle(CloseDueEnrollments(day))
        total += closed
        if not closed.more:
            return total


async def keep_closing(bus: MessageBus[Any], polls: Polls, *, every: float) -> None:
    """The sweep every `every` seconds; a sweep that closed some is traced (its events
    continue its trace), one that found none is only counted."""

    async def sweep() -> int:
        closed = await close_due_enrollments(bus)
        return closed.completed + closed.not_completed

    await polls.every(CLOSING_LOOP, every, sweep)
