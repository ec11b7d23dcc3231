"""CloudEvents 1.0 in Kafka binary mode, through the official `cloudevents` SDK.

The value is the JSON data, the attributes travel as `ce_*` headers, and the message key
is the `partitionkey` extension.
"""

from __future__ import annotations

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
Headers = list[tuple[str, bytes]]


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
    data: dict[str, Any],
    event_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
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


def decode(record: KafkaRecord) -> Envelope:
    """Read a record into an Envelope, or raise PoisonMessage saying what is wrong with it."""
    headers: dict[str, bytes] = {}
    for name, value in record.headers:
        headers[name] = value or b""
    try:
        event = ce_kafka.from_binary(
            ce_kafka.KafkaMessage(headers=headers, key=record.key, value=record.value), JSON
        )
    except Exception as error:  # the SDK raises several unrelated types for bad input
        raise PoisonMessage(f"not a CloudEvent in Kafka binary mode: {error}") from error
    attributes = event.get_attributes()
    contract = REGISTRY.get(event.get_type())
    if contract is None:
        raise PoisonMessage(f"unknown event type {event.get_type()!r}")
    payload = event.get_data()
    if not isinstance(payload, dict):
        raise PoisonMessage("event data is not a JSON object")
    try:
        data = contract.model_validate(payload)
    except ValidationError as error:
        raise PoisonMessage(f"{contract.type} data invalid: {_first_errors(error)}") from error
    key = attributes.get("partitionkey")
    if not key or key != data.partition_key():
        raise PoisonMessage(f"message key {key!r} is not the event's partition key")
    return Envelope(
        id=event.get_id(),
        type=event.get_type(),
        source=event.get_source(),
        time=event.get_time() or datetime.now(UTC),
        subject=event.get_subject(),
        key=key,
        data=data,
        extensions={k: str(v) for k, v in attributes.items() if k not in STANDARD_ATTRIBUTES},
        value=record.value,
    )


def _first_errors(error: ValidationError, limit: int = 5) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
        for e in error.errors()[:limit]
    )
