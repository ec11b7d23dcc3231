"""The closing sweep, driven from outside the domain: by the API process every so often
and by an operator on demand. Each round is one command (one transaction, up to its
limit of enrollments), so a long sweep never holds thousands of rows at once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from traintrack.enrollment.commands import CloseDueEnrollments, today
from traintrack.enrollment.domain.closing import Closed
from traintrack.platform.bus import MessageBus

log = logging.getLogger(__name__)


async def close_due_enrollments(bus: MessageBus[Any]) -> Closed:
    """Every enrollment whose last open day has passed, round after round."""
    total, day = Closed(), today()
    while True:
        closed: Closed = await bus.handle(CloseDueEnrollments(day))
        total += closed
        if not closed.more:
            return total


async def keep_closing(bus: MessageBus[Any], *, every: float) -> None:
    while True:
        try:
            await close_due_enrollments(bus)
        except Exception:  # a background loop: it must outlive any one failure
            log.exception("closing enrollments failed; trying again")
        await asyncio.sleep(every)
