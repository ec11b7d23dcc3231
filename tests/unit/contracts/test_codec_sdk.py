"""Our reader of CloudEvents attributes against the official SDK's `from_binary`, on random
headers: a record that passes the strict binding is read by us exactly when the SDK reads
it, to the same attributes. `ce_time` is left out: it is read stricter than the SDK's
ISO 8601 parser on purpose (test_codec.py pins RFC 3339)."""

from typing import Any

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from traintrack.contracts import codec
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.submissions import ChangeConsent

TRAINEE = "tr-1"
DATA = ChangeConsent(trainee_id=TRAINEE, share_with_firms=True)
BINDING = {
    "ce_id": b"evt-1",
    "ce_source": b"/institutes/lf-1",
    "ce_type": DATA.type.encode(),
    "ce_specversion": b"1.0",
    "content-type": b"application/json",
}
# Names that are attributes, extensions good and bad, and the one the format reserves.
NAMES = ["subject", "dataschema", "datacontenttype", "id", "source", "traceid", "x1"]
NAMES += ["data", "no-dash", "under_score", "Ünicode", ""]
VALUES = st.one_of(
    st.sampled_from([b"", b"a", b"trainee/tr-1", b"https://example.org/s", b"\xff\xfe"]),
    st.text(max_size=12).map(str.encode),
)


def sdk_attributes(headers: dict[str, bytes], key: bytes) -> dict[str, Any] | None:
    """What the SDK reads from the `ce_` headers, or None where it refuses."""
    attributes = {name: value for name, value in headers.items() if name.startswith("ce_")}
    try:
        event = ce_kafka.from_binary(
            ce_kafka.KafkaMessage(headers=attributes, key=key, value=b""), JSONFormat()
        )
    except Exception:
        return None
    read = event.get_attributes()
    read.pop("time")  # the SDK makes one up when none is sent
    return read


@settings(max_examples=400, deadline=None)
@given(extra=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=4))
def test_we_read_a_record_exactly_when_the_sdk_does_and_to_the_same_attributes(extra):
    headers = {**BINDING, **{f"ce_{name}": value for name, value in extra.items()}}
    key = TRAINEE.encode()
    record = codec.KafkaRecord(key, DATA.model_dump_json().encode(), list(headers.items()))
    try:
        codec.check_binding(record)  # the binding's own refusals are not the SDK's business
    except PoisonMessage:
        return
    expected = sdk_attributes(headers, key)
    if expected is None:
        with pytest.raises(PoisonMessage, match="not a CloudEvent"):
            codec.decode(record)
        return
    envelope = codec.decode(record)
    read = {
        "id": envelope.id,
        "type": envelope.type,
        "source": envelope.source,
        "specversion": "1.0",
        "partitionkey": envelope.key,
        **({"subject": envelope.subject} if envelope.subject is not None else {}),
        **envelope.extensions,
    }
    for name in ("dataschema", "datacontenttype"):  # standard: not among the extensions
        if f"ce_{name}" in headers:
            read[name] = headers[f"ce_{name}"].decode()
    assert read == expected


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("ce_subject", b"", "empty ce_subject"),
        ("ce_dataschema", b"", "empty ce_dataschema"),
        ("ce_data", b"x", "extension name 'data'"),
        ("ce_no-dash", b"x", "extension name 'no-dash'"),
        ("ce_", b"x", "extension name ''"),
        ("ce_source", b"\xff", "not a CloudEvent in Kafka binary mode: 'utf-8' codec"),
    ],
)
def test_each_attribute_the_sdk_refuses_is_poison_naming_it(name, value, reason):
    headers = {**BINDING, name: value}
    record = codec.KafkaRecord(b"tr-1", DATA.model_dump_json().encode(), list(headers.items()))
    assert sdk_attributes(headers, b"tr-1") is None
    with pytest.raises(PoisonMessage, match=reason):
        codec.decode(record)


def test_an_extension_is_read_with_its_value_and_a_key_that_is_no_utf_8_is_poison():
    headers = {**BINDING, "ce_traceid": b"abc"}
    record = codec.KafkaRecord(b"tr-1", DATA.model_dump_json().encode(), list(headers.items()))
    assert codec.decode(record).extensions == {"traceid": "abc"}
    with pytest.raises(PoisonMessage, match="utf-8"):
        codec.decode(codec.KafkaRecord(b"\xff", record.value, record.headers))
