"""The AsyncAPI 3 document of every topic, its dead letters, and the headers on the wire.

Each event is a CloudEvent in Kafka binary mode: the value is the JSON data, the attributes
are `ce_*` headers (each present once), the key is the `partitionkey` extension. A message
a consumer cannot apply goes to `<topic>.dlq` unchanged, with `dlq-*` headers saying why
(`traintrack.platform.messaging.dlq`).
"""

from __future__ import annotations

from typing import Any

from traintrack.contracts import REGISTRY
from traintrack.contracts.signing import KEY_ID, SIGNATURE
from traintrack.contracts.topics import ALL_TOPICS, INSTITUTE_SUBMISSIONS, Topic

_TEXT = {"type": "string"}
CE_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes, Kafka binary mode; a header sent twice, a "
    "control character (U+0000-U+001F, U+007F-U+009F) in an attribute, a missing required "
    "one or another specversion sends the message to the DLQ.",
    "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "content-type"],
    "properties": {
        "ce_id": {**_TEXT, "description": "unique per event; consumers apply each id once"},
        "ce_source": {**_TEXT, "description": "the producing service or institute"},
        "ce_type": {**_TEXT, "description": "the event type, one of the topic's messages"},
        "ce_specversion": {"const": "1.0"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": _TEXT,
        "ce_partitionkey": {**_TEXT, "description": "equal to the message key"},
        "content-type": {"const": "application/json"},
        "traceparent": {**_TEXT, "description": "W3C trace context"},
        "tracestate": _TEXT,
    },
}
SIGNED_HEADERS: dict[str, Any] = {
    **CE_HEADERS,
    "required": [*CE_HEADERS["required"], f"ce_{KEY_ID}", f"ce_{SIGNATURE}"],
    "properties": {
        **CE_HEADERS["properties"],
        f"ce_{KEY_ID}": {**_TEXT, "description": "the submitting institute's key id"},
        f"ce_{SIGNATURE}": {**_TEXT, "description": "HMAC-SHA256 (traintrack.contracts.signing)"},
    },
}
DLQ_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "The original message's headers (its ce_* attributes included), and these.",
    "required": [
        "dlq-reason",
        "dlq-error-class",
        "dlq-consumer",
        "dlq-original-topic",
        "dlq-original-partition",
        "dlq-original-offset",
        "dlq-failed-at",
    ],
    "properties": {
        "dlq-reason": {**_TEXT, "description": "why it was not applied (at most 2000 bytes)"},
        "dlq-error-class": {**_TEXT, "description": "the refusal's class, e.g. PoisonMessage"},
        "dlq-consumer": {**_TEXT, "description": "the consumer (group) that refused it"},
        "dlq-original-topic": _TEXT,
        "dlq-original-partition": {**_TEXT, "pattern": "^[0-9]+$"},
        "dlq-original-offset": {**_TEXT, "pattern": "^[0-9]+$"},
        "dlq-failed-at": {**_TEXT, "format": "date-time"},
        # Only on a truncated envelope: a message too large for the DLQ with our headers
        # goes there as its headers, key and value cut short, with these.
        "dlq-truncated": {"const": "true"},
        "dlq-original-value-bytes": {**_TEXT, "pattern": "^[0-9]+$"},
        "dlq-original-value-sha256": {**_TEXT, "pattern": "^[0-9a-f]{64}$"},
        "dlq-original-headers": {**_TEXT, "description": "how many headers it had"},
    },
    "additionalProperties": True,
}
DEAD_LETTER = {
    "name": "dead-letter",
    "title": "DeadLetter",
    "summary": "A message a consumer could not apply: its key and value exactly as read "
    "(or, when that would not fit the topic, a truncated envelope saying so).",
    "headers": DLQ_HEADERS,
    "payload": {"description": "the original value, byte for byte (not always JSON)"},
    "bindings": {"kafka": {"key": {"type": "string", "description": "the original key"}}},
}


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {"dead-letter": DEAD_LETTER}
    for topic in ALL_TOPICS:
        channel_id = topic.base.replace(".", "-")
        refs = _messages(topic, messages)
        channels[channel_id] = {
            "address": topic.base,
            "description": topic.description,
            "messages": refs,
            "bindings": {"kafka": {"partitions": topic.partitions}},
            "x-compatibility": topic.compatibility,
        }
        channels[f"{channel_id}-dlq"] = {
            "address": f"{topic.base}.dlq",
            "description": f"Dead letters of {topic.base}: each message its readers could "
            "not apply, unchanged, with dlq-* headers saying why.",
            "messages": {"dead-letter": {"$ref": "#/components/messages/dead-letter"}},
        }
        operations.update(_operations(topic, channel_id, refs))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "traintrack events",
            "version": "1",
            "description": "Every topic of the platform. CloudEvents 1.0, Kafka binary "
            "mode: the value is the JSON data, attributes are ce_* "
            "headers, the key is the partitionkey extension.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _messages(topic: Topic, messages: dict[str, Any]) -> dict[str, Any]:
    """The topic's event types into `messages`; their references for the channel."""
    contracts = sorted((c for c in REGISTRY.values() if c.topic == topic), key=lambda c: c.type)
    headers = SIGNED_HEADERS if topic == INSTITUTE_SUBMISSIONS else CE_HEADERS
    refs = {}
    for contract in contracts:
        message_id = contract.type.replace(".", "-")
        messages[message_id] = {
            "name": contract.type,
            "title": contract.__name__,
            "summary": (contract.__doc__ or "").strip(),
            "contentType": "application/json",
            "headers": headers,
            "payload": {"$ref": f"events/{contract.type}.json"},
            "bindings": {"kafka": {"key": {"type": "string", "description": topic.key}}},
        }
        refs[message_id] = {"$ref": f"#/components/messages/{message_id}"}
    return refs


def _operations(topic: Topic, channel_id: str, refs: dict[str, Any]) -> dict[str, Any]:
    channel = {"$ref": f"#/channels/{channel_id}"}
    events = [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in refs]
    dlq = {"$ref": f"#/channels/{channel_id}-dlq"}
    dead = [{"$ref": f"#/channels/{channel_id}-dlq/messages/dead-letter"}]
    found: dict[str, Any] = {
        f"publish-{channel_id}": {
            "action": "send",
            "channel": channel,
            "summary": f"Written by {topic.writer} only.",
            "messages": events,
        }
    }
    for reader in topic.readers:
        found[f"{reader}-reads-{channel_id}"] = {
            "action": "receive",
            "channel": channel,
            "summary": f"Read by the {reader} consumer (its consumer group by default).",
            "messages": events,
        }
        found[f"{reader}-dead-letters-{channel_id}"] = {
            "action": "send",
            "channel": dlq,
            "summary": f"What the {reader} consumer cannot apply, with the reason.",
            "messages": dead,
        }
    found[f"operations-reads-{channel_id}-dlq"] = {
        "action": "receive",
        "channel": dlq,
        "summary": "Listed, replayed onto the topic or discarded by the operations service.",
        "messages": dead,
    }
    return found
