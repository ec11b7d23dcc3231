"""The PostgreSQL unit of work: state and events commit together, or nothing stays."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from traintrack.contracts.outcomes import HistoryRecordImported
from traintrack.platform.bus import MessageBus
from traintrack.platform.db.pool import create_pool
from traintrack.platform.db.uow import PostgresUnitOfWork
from traintrack.platform.errors import Rejected

pytestmark = pytest.mark.integration


class Notes:
    """A repository as small as can be: one table of notes."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, text: str) -> None:
        await self._connection.execute("INSERT INTO uow_notes (text) VALUES ($1)", text)


class NotesUnitOfWork(PostgresUnitOfWork):
    source = "/tests/uow"
    notes: Notes

    def bind(self, connection: asyncpg.Connection) -> None:
        self.notes = Notes(connection)


def imported(ref: str) -> HistoryRecordImported:
    return HistoryRecordImported(
        import_id="import-1",
        imported_by="ops",
        line=1,
        record_type="x",
        subject_id=f"tr-{ref}",
        occurred_on="2026-01-05",
        reported_on="2026-01-05",
        record={},
    )


@pytest.fixture
async def pool(shared_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Pool]:
    await shared_pool.execute("CREATE TABLE IF NOT EXISTS uow_notes (text text)")
    await shared_pool.execute("TRUNCATE uow_notes, outbox")
    yield shared_pool


async def notes_and_events(pool: asyncpg.Pool) -> tuple[list[str], list[str]]:
    notes = [r["text"] for r in await pool.fetch("SELECT text FROM uow_notes ORDER BY text")]
    events = [
        r["partition_key"] for r in await pool.fetch("SELECT partition_key FROM outbox ORDER BY id")
    ]
    return notes, events


async def test_a_commit_keeps_the_state_and_queues_the_events_in_one_transaction(pool):
    async with NotesUnitOfWork(pool) as uow:
        await uow.notes.add("kept")
        uow.emit(imported("a"), imported("b"))
        await uow.commit()
    assert await notes_and_events(pool) == (["kept"], ["tr-a", "tr-b"])


async def test_leaving_without_commit_rolls_back_state_and_events(pool):
    async with NotesUnitOfWork(pool) as uow:
        await uow.notes.add("forgotten")
        uow.emit(imported("a"))
    assert await notes_and_events(pool) == ([], [])
    assert pool.get_size() - pool.get_idle_size() == 0, "the connection went back to the pool"


async def test_a_refused_command_leaves_nothing_through_the_bus(pool):
    async def refuse_after_writing(command: str, uow: NotesUnitOfWork) -> None:
        await uow.notes.add(command)
        uow.emit(imported(command))
        raise Rejected("no", field="text")

    async def add_note(command: str, uow: NotesUnitOfWork) -> str:
        await uow.notes.add(command)
        uow.emit(imported(command))
        return "done"

    refusing = MessageBus({str: refuse_after_writing}, lambda: NotesUnitOfWork(pool))
    with pytest.raises(Rejected):
        await refusing.handle("x")
    assert await notes_and_events(pool) == ([], [])
    accepting = MessageBus({str: add_note}, lambda: NotesUnitOfWork(pool))
    assert await accepting.handle("y") == "done"
    assert await notes_and_events(pool) == (["y"], ["tr-y"])


async def test_on_a_workers_connection_it_is_a_savepoint_of_the_outer_transaction(pool):
    async with pool.acquire() as connection:
        outer = connection.transaction()
        await outer.start()
        await connection.execute("INSERT INTO uow_notes (text) VALUES ('inbox claim')")
        async with NotesUnitOfWork(connection=connection) as refused:
            await refused.notes.add("refused")
        async with NotesUnitOfWork(connection=connection) as applied:
            await applied.notes.add("applied")
            applied.emit(imported("z"))
            await applied.commit()
        assert connection.is_in_transaction(), "the worker's transaction is still its own"
        await outer.commit()
    assert await notes_and_events(pool) == (["applied", "inbox claim"], ["tr-z"])


@pytest.fixture
async def one_connection(platform, shared_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Pool]:
    """A pool of one connection on the same database: whoever borrows next gets it again."""
    database = await shared_pool.fetchval("SELECT current_database()")
    url = f"{platform.pg_url}/{database}"
    pool = await create_pool(url, min_size=1, max_size=1, migrate_first=False)
    await pool.execute("CREATE TABLE IF NOT EXISTS uow_notes (text text)")
    yield pool
    await pool.close()


async def application_name(pool: asyncpg.Pool) -> str:
    name: str = await pool.fetchval("SELECT current_setting('application_name')")
    return name


async def test_a_connection_lent_for_anything_else_comes_back_reset(one_connection):
    async with one_connection.acquire() as connection:
        await connection.execute("SET application_name = 'left behind'")
    assert await application_name(one_connection) != "left behind"


async def test_a_unit_of_works_connection_comes_back_without_the_reset_round_trip(
    one_connection,
):
    # A unit of work leaves no session state; this one breaks the rule on purpose, to see
    # that nothing reset the session behind it (and that asyncpg's reset query is skipped).
    async with NotesUnitOfWork(one_connection) as uow:
        await uow.connection.execute("SET application_name = 'left behind'")
        await uow.notes.add("kept")
        await uow.commit()
    assert await application_name(one_connection) == "left behind"
    # ... once: the next borrower that vouches for nothing has its session reset again.
    assert await application_name(one_connection) != "left behind"


async def test_a_unit_of_work_left_without_commit_still_rolls_back_before_going_back(
    one_connection,
):
    async with NotesUnitOfWork(one_connection) as uow:
        await uow.notes.add("forgotten")
    async with one_connection.acquire() as connection:
        assert not connection.is_in_transaction()
        assert (
            await connection.fetchval("SELECT count(*) FROM uow_notes WHERE text = 'forgotten'")
            == 0
        )
