"""Dead letters: list them, show one, replay or discard them (operators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from traintrack.operations.commands import DiscardDeadLetter, ReplayDeadLetter, ReplayDeadLetters
from traintrack.operations.entrypoints.api.deps import Bus, Operator, Views
from traintrack.operations.entrypoints.api.schemas import DeadLetterDetail, DeadLetterOut, Discard
from traintrack.platform.web.openapi import errors

router = APIRouter(tags=["operations"])


@router.get("/v1/dead-letters")
async def list_dead_letters(
    views: Views,
    _: Operator,
    topic: str | None = None,
    consumer: str | None = None,
    status: Annotated[str | None, Query(pattern="^(dead|replayed|discarded)$")] = None,
) -> list[DeadLetterOut]:
    """Dead letters with their reason, consumer, original place and status."""
    found = await views.dead_letters(topic=topic, consumer=consumer, status=status)
    return [DeadLetterOut.of(letter, state) for letter, state in found]


@router.get("/v1/dead-letters/{topic}/{partition}/{offset}")
async def show_dead_letter(
    topic: str, partition: int, offset: int, views: Views, _: Operator
) -> DeadLetterDetail:
    """One dead letter whole: its headers and (the first 2,000 bytes of) its value."""
    return DeadLetterDetail.whole(*await views.dead_letter(topic, partition, offset))


@router.post("/v1/dead-letters/{topic}/{partition}/{offset}/replay")
async def replay_dead_letter(
    topic: str, partition: int, offset: int, bus: Bus, principal: Operator
) -> DeadLetterOut:
    """Send the original record back to its topic (after a fix). Consumers that applied it
    already skip it; replaying again changes nothing more."""
    command = ReplayDeadLetter(topic, partition, offset, operator=principal)
    return DeadLetterOut.of(*await bus.handle(command))


@router.post("/v1/dead-letters/{topic}/{partition}/{offset}/discard", responses=errors(409))
async def discard_dead_letter(
    topic: str, partition: int, offset: int, body: Discard, bus: Bus, principal: Operator
) -> DeadLetterOut:
    """Set a dead letter aside for good, with the reason on record."""
    command = DiscardDeadLetter(topic, partition, offset, reason=body.reason, operator=principal)
    return DeadLetterOut.of(*await bus.handle(command))


@router.post("/v1/dead-letters/replay")
async def replay_all(
    bus: Bus, principal: Operator, topic: str | None = None, consumer: str | None = None
) -> dict[str, int]:
    """Replay every dead letter still dead (of one DLQ topic, or one consumer)."""
    command = ReplayDeadLetters(operator=principal, topic=topic, consumer=consumer)
    return {"replayed": await bus.handle(command)}
