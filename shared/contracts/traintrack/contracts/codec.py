"""CloudEvents 1.0 in Kafka binary mode: written through the official `cloudevents` SDK,
read by our own strict reader that the SDK checks in the tests.

The value is the JSON data, the attributes travel as `ce_*` headers, and the message key
is the `partitionkey` extension. Reading is stricter than the SDK's (`check_binding`): the
SDK keeps the last of two equal headers, defaults a missing `ce_specversion` to 1.0 and
reads 0.3 too, so what it accepts is wider than what we may trust. Past that, a record is
read as the SDK would read it (`_attributes_of`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

from traintrack.contracts import REGISTRY, EventData
from traintrack.contracts.errors import PoisonMessage

JSON = JSONFormat()
STANDARD_ATTRIBUTES = frozenset(
    {
        "id",
        "source",
        "type",
        "specversion",
        "time",
        "subject",
        "datacontenttype",
        "dataschema",
        "partitionkey",
    }
)
# Optional attributes that, when sent, must hold something (CloudEvents 1.0, section 3.1).
NOT_EMPTY_WHEN_SENT = frozenset({"subject", "dataschema", "datacontenttype"})
# An extension's name: lower-case ASCII letters and digits ("data" is taken by the format).
EXTENSION_NAME = re.compile(r"(?!data$)[a-z0-9]+")
# What CloudEvents 1.0's String type excludes (U+0000-U+001F, U+007F-U+009F), as UTF-8.
CONTROL_CHARACTER = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]")
Headers = list[tuple[str, bytes]]
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion")
SPECVERSION = b"1.0"
CONTENT_TYPE = "content-type"
JSON_MEDIA_TYPE = b"application/json"
# RFC 3339's date-time (section 5.6), which `ce_time` must be.
RFC3339 = re.compile(rb"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
# Record size as the Kafka clients bound it (aiokafka's and kafka-python's estimate): the
# v2 batch header plus the most a record's own framing can take.
BATCH_HEADER_BYTES = 61
RECORD_OVERHEAD_BYTES = 21


@dataclass(frozen=True)
class Envelope:
    """A decoded event: CloudEvents attributes plus its validated contract data."""

    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    key: str
    data: EventData
    extensions: dict[str, str]
    value: bytes  # the data exactly as received, for signatures


@dataclass(frozen=True)
class KafkaRecord:
    """What the codec reads and writes: a key, a value and headers, as any client sends them."""

    key: bytes | None
    value: bytes
    headers: Headers


def to_cloudevent(
    data: EventData, *, source: str, event_id: str | None = None, time: datetime | None = None
) -> CloudEvent:
    return make_cloudevent(
        event_type=data.type,
        source=source,
        subject=data.subject(),
        key=data.partition_key(),
        data=data.model_dump(mode="json"),
        event_id=event_id,
        time=time,
    )


def make_cloudevent(
    *,
    event_type: str,
    source: str,
    subject: str | None,
    key: str,
    data: dict[str, Any] | bytes,
    event_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    """`data`: the JSON object, or its JSON text already encoded (sent as it is)."""
    attributes: dict[str, Any] = {
        "type": event_type,
        "source": source,
        "datacontenttype": "application/json",
        "partitionkey": key,
        "time": time or datetime.now(UTC),
    }
    if subject:
        attributes["subject"] = subject
    if event_id:
        attributes["id"] = event_id
    return CloudEvent(attributes=attributes, data=data)


def encode(event: CloudEvent, extra_headers: Sequence[tuple[str, bytes]] = ()) -> KafkaRecord:
    message = ce_kafka.to_binary(event, JSON)
    key = message.key.encode() if isinstance(message.key, str) else message.key
    return KafkaRecord(key, message.value, [*message.headers.items(), *extra_headers])


def check_binding(record: KafkaRecord) -> None:
    """The CloudEvents Kafka binary binding, strictly, or PoisonMessage saying what breaks
    it: no header twice (names compared as the SDK reads them, ignoring case), no control
    character in an attribute, the required attributes present and not empty, specversion
    1.0, a key equal to `ce_partitionkey` when that is sent, and JSON content."""
    _binding_headers(record)


def _binding_headers(record: KafkaRecord) -> dict[str, bytes]:
    """`check_binding`, returning the headers by their lower-cased names (one pass over
    them: decode needs them so too)."""
    headers: dict[str, bytes] = {}
    for name, value in record.headers:
        lowered = name.lower()
        if lowered in headers:
            raise PoisonMessage(f"header {name[:80]!r} appears more than once")
        headers[lowered] = value or b""
        if lowered.startswith("ce_") and CONTROL_CHARACTER.search(headers[lowered]):
            raise PoisonMessage(f"header {name[:80]!r} holds a control character")
    missing = [name for name in REQUIRED_HEADERS if not headers.get(name)]
    if missing:
        raise PoisonMessage(f"missing required attribute header(s): {', '.join(missing)}")
    if headers["ce_specversion"] != SPECVERSION:
        version = headers["ce_specversion"][:20]
        raise PoisonMessage(f"ce_specversion {version!r}: only CloudEvents 1.0 is read")
    if not record.key:
        raise PoisonMessage("no message key: the key must be the event's partition key")
    sent = headers.get("ce_partitionkey")
    if sent is not None and sent != record.key:
        raise PoisonMessage(
            f"message key {record.key[:80]!r} is not the partition key {sent[:80]!r}"
        )
    media_type = headers.get(CONTENT_TYPE, b"").split(b";")[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        raise PoisonMessage(f"content-type {media_type[:80]!r}: only application/json is read")
    return headers


def check_topic(event_type: str, topic: str) -> None:
    """The type allow-list: a topic carries only the event types declared for it (each
    contract names its topic), so a submission topic carries submissions only."""
    contract = REGISTRY.get(event_type)
    if contract is None:
        raise PoisonMessage(f"unknown event type {event_type!r}")
    if contract.topic.name != topic:
        raise PoisonMessage(
            f"event type {event_type!r} does not belong on {topic!r} "
            f"(it is an event of {contract.topic.name!r})"
        )


def record_size(key: bytes | None, value: bytes | None, headers: Headers) -> int:
    """An upper bound of the bytes one record takes in a batch of its own, as producers
    compute it before sending: compare it with `topics.MAX_MESSAGE_BYTES`."""
    size = BATCH_HEADER_BYTES + RECORD_OVERHEAD_BYTES
    size += _field_size(key) + _field_size(value) + _varint_size(len(headers))
    for name, header_value in headers:
        size += _field_size(name.encode()) + _field_size(header_value)
    return size


def _field_size(field: bytes | None) -> int:
    return 1 if field is None else _varint_size(len(field)) + len(field)


def _varint_size(number: int) -> int:
    zigzag, size = (number << 1) ^ (number >> 63), 1
    while zigzag > 0x7F:
        zigzag >>= 7
        size += 1
    return size


def decode(record: KafkaRecord, *, topic: str | None = None) -> Envelope:
    """Read a record into an Envelope, or raise PoisonMessage saying what is wrong with it.
    `topic`: the topic it was read from, whose type allow-list it must pass."""
    headers = _binding_headers(record)
    time = _time_of(headers.pop("ce_time", None))
    attributes = _attributes_of(headers, record.key)
    contract = REGISTRY.get(attributes["type"])
    if contract is None:
        raise PoisonMessage(f"unknown event type {attributes['type']!r}")
    if topic is not None:
        check_topic(contract.type, topic)
    data = _data_of(contract, record.value)
    key = attributes["partitionkey"]
    if key != data.partition_key():
        raise PoisonMessage(f"message key {key!r} is not the event's partition key")
    return Envelope(
        id=attributes["id"],
        type=attributes["type"],
        source=attributes["source"],
        time=time or datetime.now(UTC),
        subject=attributes.get("subject"),
        key=key,
        data=data,
        extensions={k: v for k, v in attributes.items() if k not in STANDARD_ATTRIBUTES},
        value=record.value,
    )


def _attributes_of(headers: dict[str, bytes], key: bytes | None) -> dict[str, str]:
    """The event's attributes from its `ce_` headers and its key, read and checked as the
    official SDK's `from_binary` does (`tests/unit/contracts/test_codec_sdk.py` holds
    the two to the same answers): its reading was a tenth of a worker's CPU, most of it
    building an event object that was thrown away. The binding is already checked."""
    try:
        attributes = {
            name[3:]: value.decode() for name, value in headers.items() if name.startswith("ce_")
        }
        attributes["partitionkey"] = (key or b"").decode()
    except UnicodeDecodeError as error:
        raise PoisonMessage(f"not a CloudEvent in Kafka binary mode: {error}") from error
    for name, value in attributes.items():
        if name in NOT_EMPTY_WHEN_SENT and not value:
            raise PoisonMessage(f"not a CloudEvent in Kafka binary mode: empty ce_{name}")
        if name not in STANDARD_ATTRIBUTES and not EXTENSION_NAME.fullmatch(name):
            raise PoisonMessage(
                f"not a CloudEvent in Kafka binary mode: extension name {name[:40]!r} is not "
                "lower-case letters and digits"
            )
    return attributes


def _time_of(header: bytes | None) -> datetime | None:
    """`ce_time`, read here and not by the SDK: its dateutil parser was a tenth of the CPU
    of a worker reading attendance events, and RFC 3339 is what the standard library's
    own parser reads once the letters are upper case."""
    if header is None:
        return None
    if not RFC3339.fullmatch(header):
        raise PoisonMessage(f"ce_time {header[:40]!r} is not an RFC 3339 date-time")
    try:
        return datetime.fromisoformat(header.upper().decode())
    except ValueError as error:  # a 13th month, a 61st second
        raise PoisonMessage(f"ce_time {header[:40]!r}: {error}") from error


def _data_of(contract: type[EventData], value: bytes) -> EventData:
    """The contract read straight from the JSON bytes (pydantic's parser: one pass, no
    dicts in between). Data that is no JSON object at all is told apart from an object
    that breaks the contract, with the parser's complaint (a position, never the data)."""
    try:
        return contract.model_validate_json(value)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            raise PoisonMessage(f"event data is not a JSON object: {first['msg']}") from error
        if first["type"] == "model_type" and not first["loc"]:
            raise PoisonMessage("event data is not a JSON object") from error
        raise PoisonMessage(f"{contract.type} data invalid: {_first_errors(error)}") from error


def _first_errors(error: ValidationError, limit: int = 5) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
        for e in error.errors()[:limit]
    )
