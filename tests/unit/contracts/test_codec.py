import json
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1 import kafka as ce_legacy_kafka

from tests.utils import factories
from traintrack.contracts import codec
from traintrack.contracts.errors import PoisonMessage


def encoded(data=None, **kwargs):
    data = data or factories.trainee_registered()
    return data, codec.encode(codec.to_cloudevent(data, source="/test", **kwargs))


def test_an_encoded_event_decodes_to_the_same_data_id_and_key():
    data, record = encoded(event_id="evt-1")
    envelope = codec.decode(record)
    assert envelope.data == data
    assert envelope.id == "evt-1"
    assert envelope.type == data.type
    assert envelope.key == data.trainee_id
    assert envelope.subject == f"trainee/{data.trainee_id}"


def test_binary_mode_puts_attributes_in_ce_headers_data_in_value_and_partitionkey_in_key():
    data, record = encoded()
    headers = dict(record.headers)
    assert record.key == data.trainee_id.encode()
    assert json.loads(record.value) == data.model_dump(mode="json")
    assert headers["ce_type"] == data.type.encode()
    assert headers["ce_specversion"] == b"1.0"
    assert headers["content-type"] == b"application/json"
    assert {"ce_id", "ce_source", "ce_time", "ce_subject"} <= headers.keys()


def test_the_official_sdk_reads_what_we_write_with_both_of_its_apis():
    data, record = encoded()
    message = ce_kafka.KafkaMessage(
        headers=dict(record.headers), key=record.key, value=record.value
    )
    event = ce_kafka.from_binary(message, JSONFormat())
    assert event.get_type() == data.type
    assert event.get_extension("partitionkey") == data.trainee_id
    assert event.get_data() == data.model_dump(mode="json")
    legacy = ce_legacy_kafka.from_binary(
        ce_legacy_kafka.KafkaMessage(
            headers=dict(record.headers), key=record.key, value=record.value
        )
    )
    assert legacy["type"] == data.type
    assert legacy["partitionkey"] == data.trainee_id.encode()  # the legacy API keeps bytes


def test_extra_headers_such_as_trace_context_travel_alongside():
    traceparent = b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    event = codec.to_cloudevent(factories.trainee_registered(), source="/t")
    record = codec.encode(event, [("traceparent", traceparent)])
    assert ("traceparent", traceparent) in record.headers
    assert codec.decode(record).id == event.get_id()


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: codec.KafkaRecord(r.key, r.value, []), "missing required attribute"),
        (lambda r: codec.KafkaRecord(r.key, b"{not json", r.headers), "not a JSON object"),
        (lambda r: codec.KafkaRecord(r.key, b"", r.headers), "not a JSON object"),
        (
            lambda r: codec.KafkaRecord(
                r.key,
                r.value,
                [(k, b"traintrack.unknown.v9" if k == "ce_type" else v) for k, v in r.headers],
            ),
            "unknown event type",
        ),
        (
            lambda r: codec.KafkaRecord(r.key, json.dumps({"trainee_id": "x"}).encode(), r.headers),
            "data invalid",
        ),
        (lambda r: codec.KafkaRecord(b"someone-else", r.value, r.headers), "partition key"),
        (
            lambda r: codec.KafkaRecord(
                r.key, r.value, [(k, b"\xff\xfe" if k == "ce_id" else v) for k, v in r.headers]
            ),
            "not a CloudEvent",
        ),
    ],
    ids=[
        "no-headers",
        "bad-json",
        "empty",
        "unknown-type",
        "invalid-data",
        "wrong-key",
        "undecodable-header",
    ],
)
def test_a_message_that_can_never_be_processed_is_poison_with_a_reason(mutate, reason):
    _, record = encoded()
    with pytest.raises(PoisonMessage, match=reason):
        codec.decode(mutate(record))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"{not json", "not a JSON object: Invalid JSON: key must be a string at line 1 column 2"),
        (b"", "not a JSON object: Invalid JSON: EOF while parsing a value at line 1 column 0"),
        (b"\xff\xfe", "not a JSON object: Invalid JSON: expected value at line 1 column 1"),
        (b'{"trainee_id": "\\ud800"}', "not a JSON object: Invalid JSON: .* hex escape"),
        (b"[1, 2]", "^event data is not a JSON object$"),
        (b"null", "^event data is not a JSON object$"),
    ],
    ids=["bad-json", "empty", "not-utf8", "lone-surrogate", "array", "null"],
)
def test_data_that_is_no_json_object_is_poison_saying_what_the_parser_found(value, reason):
    _, record = encoded()
    with pytest.raises(PoisonMessage, match=reason):
        codec.decode(codec.KafkaRecord(record.key, value, record.headers))


def test_data_is_read_as_json_the_last_of_two_equal_keys_counting_as_json_loads_does():
    data, record = encoded()
    doubled = record.value.replace(b"{", b'{"trainee_id": "someone-else", ', 1)
    assert codec.decode(codec.KafkaRecord(record.key, doubled, record.headers)).data == data


def with_time(value: bytes):
    _, record = encoded()
    headers = [(n, value if n == "ce_time" else v) for n, v in record.headers]
    return codec.KafkaRecord(record.key, record.value, headers)


@pytest.mark.parametrize(
    ("header", "read"),
    [
        (b"2026-03-02T09:00:00Z", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        (b"2026-03-02t09:00:00z", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        (b"2026-03-02T18:00:00.25+09:00", datetime(2026, 3, 2, 9, 0, 0, 250_000, tzinfo=UTC)),
        (b"2026-03-02T09:00:00.123456789-00:30", datetime(2026, 3, 2, 9, 30, 0, 123_456, UTC)),
    ],
)
def test_ce_time_is_read_as_an_rfc_3339_date_time(header, read):
    assert codec.decode(with_time(header)).time == read


@pytest.mark.parametrize(
    "header",
    [
        b"2026-03-02T09:00:00",  # no offset: which instant is it?
        b"2026-03-02",
        b"2026-03-02 09:00:00Z",
        b"20260302T090000Z",
        b"2026-13-02T09:00:00Z",
        b"2026-02-29T09:00:00Z",  # not a leap year
        b"2026-03-02T09:00:00Z trailing",
        b"",
    ],
)
def test_a_ce_time_that_is_no_rfc_3339_date_time_is_poison(header):
    with pytest.raises(PoisonMessage, match="ce_time"):
        codec.decode(with_time(header))


def test_an_event_without_ce_time_is_read_as_of_now():
    _, record = encoded()
    headers = [(n, v) for n, v in record.headers if n != "ce_time"]
    before = datetime.now(UTC)
    envelope = codec.decode(codec.KafkaRecord(record.key, record.value, headers))
    assert before <= envelope.time <= datetime.now(UTC)
