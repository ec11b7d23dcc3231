"""Who reads which topic is declared once, with the topics: the names there are the ones
the services' workers use (their `consumer_name`, also their consumer group)."""

from traintrack.contracts.topics import ALL_TOPICS, consumers, used_by
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.matching.settings import MatchingSettings
from traintrack.outcomes.settings import OutcomesSettings

CONSUMER_NAMES = {
    EnrollmentSettings: "enrollment",
    EvaluationSettings: "evaluation",
    MatchingSettings: "matching",
    OutcomesSettings: "outcomes",
}
READERS = {
    "institute.submissions.v1": ("enrollment",),
    "enrollment.events.v1": ("evaluation", "matching", "outcomes"),
    # Attendance, most of the traffic, on its own: matching and outcomes never fetch it.
    "enrollment.attendance.v1": ("evaluation",),
    "evaluation.events.v1": ("matching", "outcomes"),
    "matching.events.v1": ("outcomes",),
    # Its own reports too: the outcomes store is rebuilt from the topics alone.
    "outcomes.events.v1": ("outcomes",),
}


def test_each_service_names_its_consumer_as_the_topics_declare_it():
    for settings, name in CONSUMER_NAMES.items():
        assert settings.model_fields["consumer_name"].default == name, settings.__name__


def test_every_topic_declares_the_consumers_that_read_it():
    assert {t.base: t.readers for t in ALL_TOPICS} == READERS


def test_every_reader_is_a_consumer_of_a_service_and_every_consumer_reads_something():
    assert set(consumers()) == set(CONSUMER_NAMES.values())


def test_each_consumer_reads_its_topics_in_the_declared_order():
    assert {c: [t.base for t in ts] for c, ts in consumers().items()} == {
        "enrollment": ["institute.submissions.v1"],
        "evaluation": ["enrollment.events.v1", "enrollment.attendance.v1"],
        "matching": ["enrollment.events.v1", "evaluation.events.v1"],
        "outcomes": [
            "enrollment.events.v1",
            "evaluation.events.v1",
            "matching.events.v1",
            "outcomes.events.v1",
        ],
    }


def test_every_topic_keeps_forward_compatibility_which_schemagen_enforces():
    assert {t.compatibility for t in ALL_TOPICS} == {"forward"}


def test_the_asyncapi_document_shows_who_reads_each_topic():
    import json

    from traintrack.contracts import schemagen

    document = json.loads(schemagen.ASYNCAPI_FILE.read_text())
    received = {
        (op["channel"]["$ref"].rsplit("/", 1)[1], name.split("-reads-")[0])
        for name, op in document["operations"].items()
        if op["action"] == "receive"
    }
    events = {(base.replace(".", "-"), r) for base, readers in READERS.items() for r in readers}
    # Dead letters: each topic's readers write them, the operations service reads them all.
    dead = {(f"{base.replace('.', '-')}-dlq", "operations") for base in READERS}
    assert received == events | dead
    sent_dead = {
        (op["channel"]["$ref"].rsplit("/", 1)[1], name.split("-dead-letters-")[0])
        for name, op in document["operations"].items()
        if op["action"] == "send" and "-dead-letters-" in name
    }
    assert sent_dead == {(f"{channel}-dlq", reader) for channel, reader in events}


def test_event_topics_are_kept_for_ever_and_letters_for_ninety_days(monkeypatch):
    monkeypatch.delenv("TRAINTRACK_KAFKA_REPLICATION_FACTOR", raising=False)
    monkeypatch.delenv("TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS", raising=False)
    for topic in ALL_TOPICS:
        assert topic.configs() == {
            "cleanup.policy": "delete",
            "retention.ms": "-1",
            "retention.bytes": "-1",
            "min.insync.replicas": "2",
            "max.message.bytes": "1048588",
            "unclean.leader.election.enable": "false",
        }, topic.base
        assert topic.dlq_configs()["retention.ms"] == str(90 * 24 * 3600 * 1000)
        assert topic.partitions == 6, topic.base


def test_each_service_checks_and_sees_the_topics_it_writes_and_reads(monkeypatch):
    monkeypatch.delenv("TRAINTRACK_TOPIC_PREFIX", raising=False)
    assert used_by("enrollment") == [
        "institute.submissions.v1",
        "institute.submissions.v1.dlq",
        "enrollment.events.v1",
        "enrollment.attendance.v1",
    ]
    assert used_by("evaluation") == [
        "enrollment.events.v1",
        "enrollment.events.v1.dlq",
        "enrollment.attendance.v1",
        "enrollment.attendance.v1.dlq",
        "evaluation.events.v1",
    ]
    assert used_by("matching") == [
        "enrollment.events.v1",
        "enrollment.events.v1.dlq",
        "evaluation.events.v1",
        "evaluation.events.v1.dlq",
        "matching.events.v1",
    ]
    assert used_by("outcomes") == [
        "enrollment.events.v1",
        "enrollment.events.v1.dlq",
        "evaluation.events.v1",
        "evaluation.events.v1.dlq",
        "matching.events.v1",
        "matching.events.v1.dlq",
        "outcomes.events.v1",
        "outcomes.events.v1.dlq",
    ]
    assert used_by("operations") == []
