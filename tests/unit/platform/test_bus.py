"""The message bus: a command runs in a unit of work, which commits only if it succeeds."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.utils.fakes import FakeUnitOfWork
from traintrack.contracts.outcomes import HistoryRecordImported
from traintrack.platform.bus import MessageBus
from traintrack.platform.errors import Rejected


@dataclass(frozen=True)
class Note:
    text: str


def event(subject: str) -> HistoryRecordImported:
    return HistoryRecordImported(
        import_id="i",
        imported_by="ops",
        line=1,
        record_type="x",
        subject_id=subject,
        occurred_on="2026-01-05",
        reported_on="2026-01-05",
        record={},
    )


async def note(command: Note, uow: FakeUnitOfWork) -> str:
    if not command.text:
        uow.emit(event("never"))
        raise Rejected("a note needs text", field="text")
    uow.emit(event(command.text))
    return command.text.upper()


async def test_a_handled_command_answers_and_publishes_its_events_once_committed():
    uow = FakeUnitOfWork()
    bus = MessageBus({Note: note}, lambda: uow)
    assert await bus.handle(Note("hi")) == "HI"
    assert [e.subject_id for e in uow.published] == ["hi"]
    assert (uow.committed, uow.rollbacks) == (True, 0)


async def test_a_refused_command_publishes_nothing_and_rolls_back():
    uow = FakeUnitOfWork()
    bus = MessageBus({Note: note}, lambda: uow)
    with pytest.raises(Rejected, match="needs text"):
        await bus.handle(Note(""))
    assert (uow.published, uow.committed, uow.rollbacks) == ([], False, 1)


async def test_a_command_without_a_handler_is_a_programming_error():
    bus = MessageBus({Note: note}, FakeUnitOfWork)
    with pytest.raises(LookupError, match="no handler for str"):
        await bus.handle("not a command")
