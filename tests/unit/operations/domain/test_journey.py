from datetime import UTC, datetime, timedelta

from traintrack.contracts.topics import ENROLLMENT_EVENTS, INSTITUTE_SUBMISSIONS
from traintrack.operations.adapters.journey import where
from traintrack.operations.domain.journey import JourneyEvent, once_each
from traintrack.platform.messaging import partitioners

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def event(offset, event_id, *, topic="enrollment.events.v1", replayed=None, by=None):
    return JourneyEvent(
        T0 + timedelta(seconds=offset), topic, 0, offset, "t", event_id, None, replayed, by
    )


def test_the_same_event_id_again_on_its_topic_is_shown_once_marked_as_redelivered():
    shown = once_each([event(3, "e1"), event(1, "e1"), event(2, "e2"), event(4, "e1")])
    assert [(e.event_id, e.offset, e.redeliveries) for e in shown] == [
        ("e1", 1, 2),  # the first copy, with the two after it counted
        ("e2", 2, 0),
    ]


def test_the_same_id_on_another_topic_a_replay_or_another_consumers_dead_letter_stays():
    dlq = "enrollment.events.v1.dlq"
    shown = once_each(
        [
            event(1, "e1"),
            event(2, "e1", topic=dlq, by="matching"),
            event(3, "e1", topic=dlq, by="outcomes"),
            event(4, "e1", topic=dlq, by="outcomes"),  # outcomes dead-lettered it twice
            event(5, "e1", replayed="dlq/0/1"),
            event(6, "e1", replayed="dlq/0/1"),  # the same letter replayed twice
            event(7, "e1", replayed="dlq/0/9"),
        ]
    )
    assert [(e.offset, e.redeliveries) for e in shown] == [(1, 0), (2, 0), (3, 1), (5, 1), (7, 0)]


def test_records_without_an_event_id_are_all_shown():
    assert len(once_each([event(1, None), event(2, None)])) == 2


def test_the_journey_reads_every_clients_partition_of_the_submissions_topic_only():
    key = b"tr-1"
    assert where(key, INSTITUTE_SUBMISSIONS.name, 6) == partitioners.every_client(key, 6)
    assert where(key, INSTITUTE_SUBMISSIONS.dlq, 6) == {partitioners.java(key, 6)}
    assert where(key, ENROLLMENT_EVENTS.name, 6) == {partitioners.java(key, 6)}
