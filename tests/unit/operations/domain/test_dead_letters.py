"""A dead letter's status is its latest repair; which letters a list or a replay takes."""

from __future__ import annotations

import pytest

from tests.unit.operations.fakes import DLQS, letter
from traintrack.operations.domain.dead_letters import (
    Repair,
    check_discardable,
    check_place,
    chosen_topics,
    selected,
    statuses,
    still_dead,
)
from traintrack.platform.errors import Conflict, NotFound, Rejected

ONE, TWO, THREE = (f"{DLQS[0]}/0/{n}" for n in (1, 2, 3))


def test_repairs_name_the_audit_actions_and_the_statuses_they_leave():
    assert [(r.value, r.status) for r in Repair] == [
        ("dlq.replay", "replayed"),
        ("dlq.discard", "discarded"),
    ]


def test_a_letters_status_is_its_latest_repair():
    made = [(ONE, Repair.DISCARD), (TWO, Repair.REPLAY), (ONE, Repair.REPLAY)]
    assert statuses(made) == {ONE: "replayed", TWO: "replayed"}
    assert statuses([(ONE, Repair.REPLAY), (ONE, Repair.DISCARD)]) == {ONE: "discarded"}


def test_a_list_shows_unrepaired_letters_as_dead_and_filters_by_consumer_and_status():
    letters = [letter(offset=1), letter(offset=2), letter(DLQS[1], consumer="matching")]
    known = {ONE: "replayed"}
    assert [(d.ref, s) for d, s in selected(letters, known)] == [
        (ONE, "replayed"),
        (TWO, "dead"),
        (f"{DLQS[1]}/0/0", "dead"),
    ]
    assert [d.ref for d, _ in selected(letters, known, status="dead")] == [TWO, f"{DLQS[1]}/0/0"]
    assert [d.ref for d, _ in selected(letters, known, consumer="enrollment", status="dead")] == [
        TWO
    ]
    assert selected(letters, known, consumer="outcomes") == []


def test_still_dead_means_never_replayed_nor_discarded():
    letters = [letter(offset=1), letter(offset=2), letter(offset=3)]
    known = {ONE: "replayed", TWO: "discarded"}
    assert [d.ref for d in still_dead(letters, known)] == [THREE]
    assert still_dead(letters, known, consumer="matching") == []


def test_no_topic_chooses_every_dlq_and_a_platform_dlq_chooses_itself():
    assert chosen_topics(None, DLQS) is None
    assert chosen_topics(DLQS[1], DLQS) == [DLQS[1]]


def test_a_topic_that_is_no_dlq_of_the_platform_is_refused_on_the_topic_field():
    with pytest.raises(Rejected, match="not a dead-letter topic of the platform") as refused:
        chosen_topics("enrollment.events.v1", DLQS)
    assert refused.value.field == "topic"


def test_a_place_on_a_dlq_at_zero_or_beyond_may_hold_a_letter():
    check_place(DLQS[0], 0, 0, DLQS)


@pytest.mark.parametrize(
    ("topic", "partition", "offset"), [("other.dlq", 0, 0), (DLQS[0], -1, 0), (DLQS[0], 0, -1)]
)
def test_a_place_that_cannot_hold_a_letter_is_not_found(topic, partition, offset):
    with pytest.raises(NotFound, match=f"dead letter {topic}/{partition}/{offset} not found"):
        check_place(topic, partition, offset, DLQS)


def test_a_letter_may_be_discarded_unless_it_is_discarded_already():
    check_discardable(letter(offset=1), {ONE: "replayed"})
    with pytest.raises(Conflict, match=f"{ONE} is discarded already"):
        check_discardable(letter(offset=1), {ONE: "discarded"})


def test_a_letter_is_referred_to_by_its_place_and_knows_its_original_topic():
    found = letter(DLQS[1], 4, 7)
    assert (found.ref, found.original_topic) == (f"{DLQS[1]}/4/7", "enrollment.events.v1")
