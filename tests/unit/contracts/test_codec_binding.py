"""The strict CloudEvents Kafka binary binding and the per-topic type allow-list: what the
official SDK would let through (the last of two equal headers, a missing or 0.3
specversion, no key) is poison here, with a reason."""

import pytest
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from traintrack.contracts import codec
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.submissions import ChangeConsent
from traintrack.contracts.topics import (
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    INSTITUTE_SUBMISSIONS,
)

STAGE_PASSED = "traintrack.evaluation.stage-passed.v2"


def record() -> codec.KafkaRecord:
    submission = ChangeConsent(trainee_id="tr-1", share_with_firms=True)
    return codec.encode(codec.to_cloudevent(submission, source="/test"))


def without(name: str, r: codec.KafkaRecord) -> codec.KafkaRecord:
    return codec.KafkaRecord(r.key, r.value, [(k, v) for k, v in r.headers if k != name])


def replaced(name: str, value: bytes, r: codec.KafkaRecord) -> codec.KafkaRecord:
    return codec.KafkaRecord(r.key, r.value, [*without(name, r).headers, (name, value)])


def added(r: codec.KafkaRecord, *headers: tuple[str, bytes]) -> codec.KafkaRecord:
    return codec.KafkaRecord(r.key, r.value, [*r.headers, *headers])


def refused(r: codec.KafkaRecord, reason: str) -> None:
    with pytest.raises(PoisonMessage, match=reason):
        codec.decode(r, topic=INSTITUTE_SUBMISSIONS.name)


def test_a_well_formed_record_passes_the_binding_and_its_topic():
    envelope = codec.decode(record(), topic=INSTITUTE_SUBMISSIONS.name)
    assert envelope.type == ChangeConsent.type


@pytest.mark.parametrize("name", ["ce_id", "ce_source", "ce_type", "ce_specversion"])
def test_each_required_attribute_missing_is_poison_naming_it(name):
    refused(without(name, record()), f"missing required attribute header\\(s\\): {name}")


@pytest.mark.parametrize("name", ["ce_id", "ce_source", "ce_type", "ce_specversion"])
def test_each_required_attribute_empty_is_poison_naming_it(name):
    refused(replaced(name, b"", record()), f"missing required attribute header\\(s\\): {name}")


@pytest.mark.parametrize("version", [b"0.3", b"1.0 ", b"1", b"1.1", b"v1.0"])
def test_a_specversion_other_than_exactly_1_0_is_poison(version):
    refused(replaced("ce_specversion", version, record()), "only CloudEvents 1.0 is read")


@pytest.mark.parametrize("key", [None, b""])
def test_no_message_key_is_poison(key):
    r = record()
    refused(codec.KafkaRecord(key, r.value, r.headers), "no message key")


def test_a_key_other_than_the_partitionkey_header_is_poison():
    r = record()
    refused(codec.KafkaRecord(b"tr-2", r.value, r.headers), "is not the partition key")


def test_a_key_without_a_partitionkey_header_stands_for_it_as_in_the_binding():
    r = without("ce_partitionkey", record())
    assert codec.decode(r, topic=INSTITUTE_SUBMISSIONS.name).key == "tr-1"


@pytest.mark.parametrize("content_type", [None, b"", b"text/plain", b"application/xml"])
def test_content_other_than_json_is_poison(content_type):
    r = without("content-type", record())
    if content_type is not None:
        r = added(r, ("content-type", content_type))
    refused(r, "only application/json is read")


@pytest.mark.parametrize(
    "content_type", [b"application/json", b"application/json; charset=utf-8", b"Application/JSON"]
)
def test_json_content_is_read_whatever_its_parameters_and_case(content_type):
    r = replaced("content-type", content_type, record())
    assert codec.decode(r, topic=INSTITUTE_SUBMISSIONS.name).type == ChangeConsent.type


@pytest.mark.parametrize(
    "twice",
    [
        ("ce_id", b"another-id"),
        ("ce_type", b"traintrack.institute.submit-survey.v1"),  # a different value
        ("ce_type", ChangeConsent.type.encode()),  # even the same value
        ("ce_ttsignature", b"0" * 64),
        ("ce_specversion", b"1.0"),
        ("content-type", b"application/json"),
        ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        ("CE_TYPE", ChangeConsent.type.encode()),  # the SDK folds case: the same attribute
    ],
)
def test_any_header_sent_twice_is_poison(twice):
    r = record()
    if twice[0] in ("ce_ttsignature", "traceparent"):
        r = added(r, twice)  # present once already below, then again
    refused(added(r, twice), "appears more than once")


def test_a_duplicate_is_poison_whichever_copy_comes_first():
    r = record()
    wrong_first = codec.KafkaRecord(r.key, r.value, [("ce_type", b"x.y.z"), *r.headers])
    refused(wrong_first, "header 'ce_type' appears more than once")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ce_id", b"evt-\x00-1"),  # U+0000
        ("ce_source", b"/institutes/lf-1\n"),  # U+000A
        ("ce_subject", b"trainee/\x1ftr-1"),  # U+001F, the last of the first range
        ("ce_ttsignature", b"\x7f"),  # U+007F
        ("ce_id", "evt-\u0080".encode()),  # U+0080, two bytes in UTF-8
        ("ce_id", "evt-\u009f".encode()),  # U+009F, the last of the second range
    ],
)
def test_a_control_character_in_an_attribute_is_poison_naming_the_header(name, value):
    """CloudEvents 1.0's String type excludes U+0000-U+001F and U+007F-U+009F (the SDK
    lets them through; PostgreSQL would refuse a NUL only later, at the inbox)."""
    r = record()
    refused(replaced(name, value, r), f"header '{name}' holds a control character")


@pytest.mark.parametrize("value", ["evt-\u00a0".encode(), "évènement-\u4e00".encode(), b"evt- ~"])
def test_the_characters_beside_the_control_ranges_are_read(value):
    r = replaced("ce_id", value, record())
    assert codec.decode(r, topic=INSTITUTE_SUBMISSIONS.name).id == value.decode()


def test_a_clients_own_binary_header_is_none_of_the_bindings_business():
    r = added(record(), ("x-client-trace", b"\xff\xfe\x00"))
    assert codec.decode(r, topic=INSTITUTE_SUBMISSIONS.name).type == ChangeConsent.type


def test_another_topics_event_type_is_poison_on_the_submissions_topic():
    r = record()
    stage_passed = [(k, STAGE_PASSED.encode() if k == "ce_type" else v) for k, v in r.headers]
    with pytest.raises(PoisonMessage, match="does not belong on"):
        codec.check_topic(STAGE_PASSED, INSTITUTE_SUBMISSIONS.name)
    with pytest.raises(PoisonMessage, match="does not belong on"):
        codec.decode(
            codec.KafkaRecord(r.key, r.value, stage_passed), topic=INSTITUTE_SUBMISSIONS.name
        )


def test_each_topic_accepts_its_own_types_only():
    codec.check_topic(STAGE_PASSED, EVALUATION_EVENTS.name)
    codec.check_topic(ChangeConsent.type, INSTITUTE_SUBMISSIONS.name)
    with pytest.raises(PoisonMessage, match="does not belong on"):
        codec.check_topic(ChangeConsent.type, ENROLLMENT_EVENTS.name)
    with pytest.raises(PoisonMessage, match="does not belong on"):
        codec.check_topic(ChangeConsent.type, "somewhere.else.v1")
    with pytest.raises(PoisonMessage, match="unknown event type"):
        codec.check_topic("traintrack.unknown.v1", INSTITUTE_SUBMISSIONS.name)


@pytest.mark.parametrize(
    ("key", "value", "headers"),
    [
        (None, b"", []),
        (b"tr-1", b"{}", [("ce_id", b"1")]),
        (b"k" * 200, b"v" * 70_000, [("h" * 130, b"x" * 20_000), ("e", None)]),
        (b"k", b"v" * 1_048_000, [("ce_type", b"t")]),
    ],
)
def test_record_size_is_what_the_kafka_clients_count_and_bounds_the_real_batch(key, value, headers):
    size = codec.record_size(key, value, headers)
    assert size == DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers)
    batch = DefaultRecordBatchBuilder(2, 0, 0, -1, -1, -1, size * 2)
    batch.append(0, 1_700_000_000_000, key, value, headers)
    actual = len(batch.build())
    assert actual <= size <= actual + codec.RECORD_OVERHEAD_BYTES
