"""One function per command: refuse or repair, with each repair on record in the same
transaction. Only operators repair dead letters (the routes ask for an operator key too)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from traintrack.operations.adapters.uow import OperationsUnitOfWork
from traintrack.operations.commands import DiscardDeadLetter, ReplayDeadLetter, ReplayDeadLetters
from traintrack.operations.domain.dead_letters import (
    DEAD,
    DeadLetter,
    Repair,
    check_discardable,
    chosen_topics,
    locate,
    statuses,
    still_dead,
)
from traintrack.platform.errors import Forbidden
from traintrack.platform.web.auth import Principal, Role

Repaired = tuple[DeadLetter, str]  # the letter and its status afterwards


def _check_operator(principal: Principal) -> None:
    if principal.role is not Role.OPERATOR:
        raise Forbidden("only operators repair dead letters")


async def _status(uow: OperationsUnitOfWork, letter: DeadLetter) -> str:
    return statuses(await uow.repairs.repairs()).get(letter.ref, DEAD)


async def _replay(
    uow: OperationsUnitOfWork, letters: list[DeadLetter], operator: Principal
) -> None:
    """Resend each letter and put it on record (the records commit with the unit of work)."""
    for letter in letters:
        await uow.dead_letters.resend(letter)
        await uow.repairs.record(
            Repair.REPLAY,
            letter,
            by=operator,
            detail={"event_id": letter.event_id, "to": letter.original},
        )


async def replay_dead_letter(command: ReplayDeadLetter, uow: OperationsUnitOfWork) -> Repaired:
    _check_operator(command.operator)
    letter = await locate(uow.dead_letters, command.topic, command.partition, command.offset)
    await _replay(uow, [letter], command.operator)
    return letter, await _status(uow, letter)


async def replay_dead_letters(command: ReplayDeadLetters, uow: OperationsUnitOfWork) -> int:
    _check_operator(command.operator)
    topics = chosen_topics(command.topic, uow.dead_letters.topics)
    letters = await uow.dead_letters.read(topics)
    known = statuses(await uow.repairs.repairs())
    chosen = still_dead(letters, known, consumer=command.consumer)
    await _replay(uow, chosen, command.operator)
    return len(chosen)


async def discard_dead_letter(command: DiscardDeadLetter, uow: OperationsUnitOfWork) -> Repaired:
    _check_operator(command.operator)
    letter = await locate(uow.dead_letters, command.topic, command.partition, command.offset)
    check_discardable(letter, statuses(await uow.repairs.repairs()))
    await uow.repairs.record(
        Repair.DISCARD,
        letter,
        by=command.operator,
        detail={"reason": command.reason, "event_id": letter.event_id},
    )
    return letter, await _status(uow, letter)


HANDLERS: dict[type, Callable[[Any, OperationsUnitOfWork], Awaitable[Any]]] = {
    ReplayDeadLetter: replay_dead_letter,
    ReplayDeadLetters: replay_dead_letters,
    DiscardDeadLetter: discard_dead_letter,
}
