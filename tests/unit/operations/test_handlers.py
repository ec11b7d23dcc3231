"""The operators' commands on a fake unit of work: what is resent, what goes on record,
what is refused."""

from __future__ import annotations

import pytest

from tests.unit.operations.fakes import (
    DLQS,
    OPERATOR,
    FakeOperationsUnitOfWork,
    FakeRepairLog,
    letter,
)
from traintrack.operations import handlers
from traintrack.operations.commands import DiscardDeadLetter, ReplayDeadLetter, ReplayDeadLetters
from traintrack.operations.domain.dead_letters import Repair
from traintrack.platform.bus import MessageBus
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected
from traintrack.platform.web.auth import Principal, Role

FIRM = Principal(key_id="firm1", role=Role.FIRM, tenant="acme")
REF = f"{DLQS[0]}/0/3"


def replay(ref: str = REF, operator: Principal = OPERATOR) -> ReplayDeadLetter:
    topic, partition, offset = ref.rsplit("/", 2)
    return ReplayDeadLetter(topic, int(partition), int(offset), operator=operator)


def discard(ref: str = REF, reason: str = "test junk", operator: Principal = OPERATOR):
    topic, partition, offset = ref.rsplit("/", 2)
    return DiscardDeadLetter(topic, int(partition), int(offset), reason=reason, operator=operator)


def test_every_command_has_its_handler():
    assert {
        ReplayDeadLetter: handlers.replay_dead_letter,
        ReplayDeadLetters: handlers.replay_dead_letters,
        DiscardDeadLetter: handlers.discard_dead_letter,
    } == handlers.HANDLERS


async def test_replaying_a_dead_letter_resends_it_and_puts_the_replay_on_record():
    uow = FakeOperationsUnitOfWork(letter(offset=3))
    found, status = await handlers.replay_dead_letter(replay(), uow)
    assert (found.ref, status) == (REF, "replayed")
    assert uow.dead_letters.resent == [REF]
    assert uow.repairs.records == [
        (
            REF,
            Repair.REPLAY,
            "op1",
            {"event_id": "ev-3", "to": "institute.submissions.v1/0/43"},
        )
    ]
    assert uow.published == []


async def test_replaying_a_letter_twice_resends_it_twice_and_records_both():
    uow = FakeOperationsUnitOfWork(letter(offset=3))
    await handlers.replay_dead_letter(replay(), uow)
    await handlers.replay_dead_letter(replay(), uow)
    assert uow.dead_letters.resent == [REF, REF]
    assert [r[1] for r in uow.repairs.records] == [Repair.REPLAY, Repair.REPLAY]


async def test_a_discarded_letter_replayed_after_all_is_replayed():
    uow = FakeOperationsUnitOfWork(letter(offset=3), repairs=FakeRepairLog((REF, Repair.DISCARD)))
    assert (await handlers.replay_dead_letter(replay(), uow))[1] == "replayed"


async def test_replaying_a_place_without_a_dead_letter_is_not_found():
    uow = FakeOperationsUnitOfWork(letter(offset=3))
    with pytest.raises(NotFound, match=f"dead letter {DLQS[0]}/0/4 not found"):
        await handlers.replay_dead_letter(replay(f"{DLQS[0]}/0/4"), uow)
    assert (uow.dead_letters.resent, uow.repairs.records) == ([], [])


@pytest.mark.parametrize(
    "ref", ["institute.submissions.v1/0/3", f"{DLQS[0]}/-1/3", f"{DLQS[0]}/0/-1"]
)
async def test_a_topic_that_is_no_dlq_or_a_negative_place_is_not_found(ref):
    uow = FakeOperationsUnitOfWork(letter(offset=3))
    with pytest.raises(NotFound, match=f"dead letter {ref} not found"):
        await handlers.replay_dead_letter(replay(ref), uow)
    assert uow.dead_letters.resent == []


async def test_only_an_operator_may_replay_or_discard():
    uow = FakeOperationsUnitOfWork(letter(offset=3))
    with pytest.raises(Forbidden, match="only operators repair dead letters"):
        await handlers.replay_dead_letter(replay(operator=FIRM), uow)
    with pytest.raises(Forbidden):
        await handlers.discard_dead_letter(discard(operator=FIRM), uow)
    with pytest.raises(Forbidden):
        await handlers.replay_dead_letters(ReplayDeadLetters(operator=FIRM), uow)
    assert (uow.dead_letters.resent, uow.repairs.records) == ([], [])


def dead_letters_of_two_consumers() -> FakeOperationsUnitOfWork:
    return FakeOperationsUnitOfWork(
        letter(offset=1),
        letter(offset=2),
        letter(offset=3),
        letter(DLQS[1], 2, 0, consumer="evaluation"),
        repairs=FakeRepairLog(
            (f"{DLQS[0]}/0/1", Repair.REPLAY), (f"{DLQS[0]}/0/2", Repair.DISCARD)
        ),
    )


async def test_replaying_all_resends_only_the_letters_never_repaired():
    uow = dead_letters_of_two_consumers()
    replayed = await handlers.replay_dead_letters(ReplayDeadLetters(operator=OPERATOR), uow)
    assert replayed == 2
    assert uow.dead_letters.resent == [f"{DLQS[0]}/0/3", f"{DLQS[1]}/2/0"]
    assert [r[:3] for r in uow.repairs.records[2:]] == [
        (f"{DLQS[0]}/0/3", Repair.REPLAY, "op1"),
        (f"{DLQS[1]}/2/0", Repair.REPLAY, "op1"),
    ]


async def test_replaying_all_of_one_consumer_leaves_the_others_dead():
    uow = dead_letters_of_two_consumers()
    command = ReplayDeadLetters(operator=OPERATOR, consumer="evaluation")
    assert await handlers.replay_dead_letters(command, uow) == 1
    assert uow.dead_letters.resent == [f"{DLQS[1]}/2/0"]


async def test_replaying_all_of_one_dlq_reads_only_that_topic():
    uow = dead_letters_of_two_consumers()
    command = ReplayDeadLetters(operator=OPERATOR, topic=DLQS[1])
    assert await handlers.replay_dead_letters(command, uow) == 1
    assert uow.dead_letters.read_topics == [[DLQS[1]]]


async def test_replaying_all_of_a_topic_that_is_no_dlq_is_refused_on_the_topic_field():
    uow = dead_letters_of_two_consumers()
    command = ReplayDeadLetters(operator=OPERATOR, topic="enrollment.events.v1")
    with pytest.raises(Rejected, match="not a dead-letter topic of the platform") as refused:
        await handlers.replay_dead_letters(command, uow)
    assert refused.value.field == "topic"
    assert (uow.dead_letters.read_topics, uow.dead_letters.resent) == ([], [])


async def test_replaying_all_when_none_is_dead_replays_nothing():
    uow = FakeOperationsUnitOfWork()
    assert await handlers.replay_dead_letters(ReplayDeadLetters(operator=OPERATOR), uow) == 0
    assert uow.repairs.records == []


async def test_discarding_puts_the_reason_on_record_and_sends_nothing():
    uow = FakeOperationsUnitOfWork(letter(offset=3))
    found, status = await handlers.discard_dead_letter(discard(reason="test junk"), uow)
    assert (found.ref, status) == (REF, "discarded")
    assert uow.repairs.records == [
        (REF, Repair.DISCARD, "op1", {"reason": "test junk", "event_id": "ev-3"})
    ]
    assert uow.dead_letters.resent == []


async def test_a_replayed_letter_may_still_be_discarded():
    uow = FakeOperationsUnitOfWork(letter(offset=3), repairs=FakeRepairLog((REF, Repair.REPLAY)))
    assert (await handlers.discard_dead_letter(discard(), uow))[1] == "discarded"


async def test_discarding_a_discarded_letter_is_a_conflict_and_records_nothing_more():
    uow = FakeOperationsUnitOfWork(letter(offset=3), repairs=FakeRepairLog((REF, Repair.DISCARD)))
    with pytest.raises(Conflict, match=f"{REF} is discarded already"):
        await handlers.discard_dead_letter(discard(reason="twice"), uow)
    assert len(uow.repairs.records) == 1


async def test_discarding_a_place_without_a_dead_letter_is_not_found():
    uow = FakeOperationsUnitOfWork()
    with pytest.raises(NotFound):
        await handlers.discard_dead_letter(discard(), uow)
    assert uow.repairs.records == []


async def test_through_the_bus_a_repair_commits_and_a_refusal_rolls_back():
    uow = FakeOperationsUnitOfWork(letter(offset=3), repairs=FakeRepairLog((REF, Repair.DISCARD)))
    bus = MessageBus(handlers.HANDLERS, lambda: uow)
    assert (await bus.handle(replay()))[1] == "replayed"
    assert (uow.committed, uow.rollbacks) == (True, 0)
    uow = FakeOperationsUnitOfWork(letter(offset=3), repairs=FakeRepairLog((REF, Repair.DISCARD)))
    bus = MessageBus(handlers.HANDLERS, lambda: uow)
    with pytest.raises(Conflict):
        await bus.handle(discard())
    assert (uow.committed, uow.rollbacks) == (False, 1)
