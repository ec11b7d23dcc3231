"""The bus and the request in hand: an Idempotency-Key claimed and its answer kept, and an
operator's audit row written, in the unit of work of the effect itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from tests.unit.platform.test_bus import Note, note
from tests.utils.fakes import FakeUnitOfWork
from traintrack.platform import bus as bus_module
from traintrack.platform.bus import MessageBus, Replayed
from traintrack.platform.errors import Rejected
from traintrack.platform.web import in_hand
from traintrack.platform.web.audit import AuditRow
from traintrack.platform.web.auth import Principal, Role
from traintrack.platform.web.idempotency import Answer

INSTITUTE = Principal("k-inst", Role.INSTITUTE, "inst-a")
OPERATOR = Principal("k-op", Role.OPERATOR, "platform")


@dataclass
class Store:
    """One database shared by every unit of work (a fresh fake per request, as in the app)."""

    uows: list[FakeUnitOfWork]

    def __call__(self) -> FakeUnitOfWork:
        uow = FakeUnitOfWork()
        if self.uows:
            uow.keys = self.uows[-1].keys  # what earlier requests committed
            uow.audited = self.uows[-1].audited
            uow.published = self.uows[-1].published
        self.uows.append(uow)
        return uow

    @property
    def last(self) -> FakeUnitOfWork:
        return self.uows[-1]


def make_bus() -> tuple[MessageBus[FakeUnitOfWork], Store]:
    store = Store([])
    return MessageBus({Note: note}, store), store


@contextmanager
def request(
    principal: Principal, *, key: str | None = None, body: str = "b1", status: int = 201
) -> Iterator[in_hand.Request]:
    scope = {
        "method": "POST",
        "path": "/v1/notes",
        "route": SimpleNamespace(path="/v1/notes", status_code=status),
        "state": {"principal": principal},
    }
    held = in_hand.Request(scope, key=key, fingerprint=body)
    token = in_hand.enter(held)
    try:
        yield held
    finally:
        in_hand.leave(token)


async def keyed(bus: MessageBus[FakeUnitOfWork], text: str, **given: object) -> str:
    """A keyed request as the HTTP layer runs it: the command, then the answer kept."""
    with request(INSTITUTE, key="k1", **given) as held:  # type: ignore[arg-type]
        answer = await bus.handle(Note(text))
        await bus_module.finish(held, 201, Answer(201, {"note": answer}))
        return str(answer)


async def test_a_keyed_command_commits_only_when_its_answer_is_kept():
    bus, store = make_bus()
    with request(INSTITUTE, key="k1") as held:
        assert await bus.handle(Note("hi")) == "HI"
        assert held.pending is store.last and not store.last.committed
        assert store.last.published == []  # nothing is out before the answer is kept
        await bus_module.finish(held, 201, Answer(201, {"note": "HI"}))
    assert held.pending is None and store.last.committed
    assert [e.subject_id for e in store.last.published] == ["hi"]
    claim = ("institute:inst-a POST /v1/notes", "k1")
    assert store.last.keys == {claim: ("b1", Answer(201, {"note": "HI"}))}


async def test_a_retry_with_the_key_gets_the_first_answer_and_nothing_runs_again():
    bus, store = make_bus()
    await keyed(bus, "hi")
    with request(INSTITUTE, key="k1") as held, pytest.raises(Replayed) as replayed:
        await bus.handle(Note("hi"))
    assert replayed.value.answer == Answer(201, {"note": "HI"})
    assert held.pending is None and store.last.rollbacks == 1
    assert [e.subject_id for e in store.last.published] == ["hi"]  # one event, not two


async def test_the_same_key_with_another_body_is_refused_and_changes_nothing():
    bus, store = make_bus()
    await keyed(bus, "hi")
    with request(INSTITUTE, key="k1", body="b2"), pytest.raises(Rejected, match="different"):
        await bus.handle(Note("ho"))
    assert [e.subject_id for e in store.last.published] == ["hi"]


async def test_a_key_belongs_to_its_caller_another_tenant_using_it_acts_anew():
    bus, store = make_bus()
    await keyed(bus, "hi")
    other = Principal("k-inst-b", Role.INSTITUTE, "inst-b")
    with request(other, key="k1") as held:
        assert await bus.handle(Note("hi")) == "HI"
        await bus_module.finish(held, 201, Answer(201, {"note": "HI"}))
    assert len(store.last.published) == 2 and len(store.last.keys) == 2


async def test_a_route_failing_after_the_handler_rolls_the_effect_and_the_key_back():
    bus, store = make_bus()
    with request(INSTITUTE, key="k1") as held:
        await bus.handle(Note("hi"))
        await bus_module.finish(held, 500, None)
    assert (store.last.committed, store.last.published, store.last.keys) == (False, [], {})
    assert await keyed(bus, "hi") == "HI"  # so the retry does it


async def test_a_refused_keyed_command_keeps_no_key():
    bus, store = make_bus()
    with request(INSTITUTE, key="k1") as held, pytest.raises(Rejected):
        await bus.handle(Note(""))
    assert held.pending is None and store.last.keys == {} and store.last.rollbacks == 1


async def test_an_operators_change_is_audited_in_its_own_transaction():
    bus, store = make_bus()
    with request(OPERATOR, status=201) as held:
        await bus.handle(Note("hi"))
    assert held.audited and store.last.committed
    assert store.last.audited == [AuditRow(OPERATOR, "POST /v1/notes", "/v1/notes", 201)]


async def test_a_keyed_operators_change_is_audited_with_the_status_it_answered():
    bus, store = make_bus()
    with request(OPERATOR, key="k1") as held:
        await bus.handle(Note("hi"))
        assert store.last.audited == []
        await bus_module.finish(held, 200, Answer(200, {"note": "HI"}))
    assert held.audited
    assert store.last.audited == [AuditRow(OPERATOR, "POST /v1/notes", "/v1/notes", 200)]


async def test_a_refused_operators_change_leaves_its_audit_to_the_http_layer():
    bus, store = make_bus()
    with request(OPERATOR) as held, pytest.raises(Rejected):
        await bus.handle(Note(""))
    assert not held.audited and store.last.audited == []


async def test_other_callers_and_commands_outside_a_request_are_not_audited():
    bus, store = make_bus()
    with request(INSTITUTE) as held:
        await bus.handle(Note("hi"))
    assert not held.audited and store.last.audited == []
    await bus.handle(Note("ho"))
    assert store.last.audited == [] and len(store.last.published) == 2


async def test_a_second_command_in_the_same_request_runs_on_its_own():
    bus, store = make_bus()
    with request(INSTITUTE, key="k1") as held:
        await bus.handle(Note("hi"))
        first = held.pending
        assert await bus.handle(Note("ho")) == "HO"
        assert held.pending is first and store.last.committed  # the second committed alone
        await bus_module.finish(held, 201, Answer(201, {"note": "HI"}))
    assert sorted(e.subject_id for e in store.last.published) == ["hi", "ho"]


def test_a_replayed_request_is_audited_as_a_replay_not_as_a_second_change():
    with request(OPERATOR, key="k1") as held:
        first = in_hand.audit_row(held, 201)
        held.replayed = True
        replay = in_hand.audit_row(held, 201)
    assert first == AuditRow(OPERATOR, "POST /v1/notes", "/v1/notes", 201, {})
    assert replay == AuditRow(OPERATOR, "POST /v1/notes", "/v1/notes", 201, {"replayed": True})
