"""Dead letters: list them, show one, replay or discard them (operators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from traintrack.operations.commands import DiscardDeadLetter, ReplayDeadLetter, ReplayDeadLetters
from traintrack.operations.entrypoints.api.deps import Bus, Operator, Views
from traintrack.operations.entrypoints.api.schemas import DeadLetterDetail, DeadLetterOut, Discard
from traintrack.platform.web.models import NAME_PATTERN, IdPath, IdQuery
from traintrack.platform.web.openapi import errors

router = APIRouter(tags=["operations"])
# A dead letter's place: a Kafka topic name (an Id: Kafka allows the same characters), a
# partition and an offset (PostgreSQL integer and bigint).
TopicPath = IdPath
PartitionPath = Annotated[int, Path(ge=0, le=2**31 - 1)]
OffsetPath = Annotated[int, Path(ge=0, le=2**63 - 1)]
TopicQuery = IdQuery
ConsumerQuery = Annotated[str | None, Query(min_length=1, max_length=255, pattern=NAME_PATTERN)]


@router.get("/v1/dead-letters")
async def list_dead_letters(
    views: Views,
    _: Operator,
    topic: TopicQuery = None,
    consumer: ConsumerQuery = None,
    status: Annotated[str | None, Query(pattern="^(dead|replayed|discarded)$")] = None,
) -> list[DeadLetterOut]:
    """Dead letters with their reason, consumer, original place and status."""
    found = await views.dead_letters(topic=topic, consumer=consumer, status=status)
    return [DeadLetterOut.of(letter, state) for letter, state in found]


@router.get("/v1/dead-letters/{topic}/{partition}/{offset}")
async def show_dead_letter(
    topic: TopicPath, partition: PartitionPath, offset: OffsetPath, views: Views, _: Operator
) -> DeadLetterDetail:
    """One dead letter whole: its headers and (the first 2,000 bytes of) its value."""
    return DeadLetterDetail.whole(*await views.dead_letter(topic, partition, offset))


@router.post("/v1/dead-letters/{topic}/{partition}/{offset}/replay")
async def replay_dead_letter(
    topic: TopicPath, partition: PartitionPath, offset: OffsetPath, bus: Bus, principal: Operator
) -> DeadLetterOut:
    """Send the original record back to its topic (after a fix). Consumers that applied it
    already skip it; replaying again changes nothing more."""
    command = ReplayDeadLetter(topic, partition, offset, operator=principal)
    return DeadLetterOut.of(*await bus.handle(command))


@router.post("/v1/dead-letters/{topic}/{partition}/{offset}/discard", responses=errors(409))
async def discard_dead_letter(
    topic: TopicPath,
    partition: PartitionPath,
    offset: OffsetPath,
    body: Discard,
    bus: Bus,
    principal: Operator,
) -> DeadLetterOut:
    """Set a dead letter aside for good, with the reason on record."""
    command = DiscardDeadLetter(topic, partition, offset, reason=body.reason, operator=principal)
    return DeadLetterOut.of(*await bus.handle(command))


@router.post("/v1/dead-letters/replay")
async def replay_all(
    bus: Bus, principal: Operator, topic: TopicQuery = None, consumer: ConsumerQuery = None
) -> dict[str, int]:
    """Replay every dead letter still dead (of one DLQ topic, or one consumer)."""
    command = ReplayDeadLetters(operator=principal, topic=topic, consumer=consumer)
    return {"replayed": await bus.handle(command)}
