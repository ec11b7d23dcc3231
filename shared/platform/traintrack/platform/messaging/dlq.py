"""Dead letters: a poison message goes to `<topic>.dlq` with headers that say why.

A dead letter is the original record plus those headers; when that would not fit the
topic (the original was near the size limit already), it is a truncated envelope instead:
the headers cut short, a prefix of the value, the value's size and SHA-256, and the reason.
Either way the message is accounted for, and the consumer moves on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiokafka.errors
import kafka.errors

from traintrack.contracts.codec import Headers, KafkaRecord, record_size
from traintrack.contracts.topics import MAX_MESSAGE_BYTES

# Sends (topic, key, value, headers) and returns once the broker acknowledged it.
Publish = Callable[[str, bytes | None, bytes, Headers], Awaitable[None]]

MAX_REASON_BYTES = 2000
# What a truncated envelope keeps of the original: together well under any sane limit.
PREFIX_BYTES = 16 * 1024
KEY_BYTES = 1024
HEADER_NAME_BYTES = 128
HEADER_VALUE_BYTES = 1024
KEPT_HEADERS = 64
# A refusal for size, by the producer before sending or by the broker.
TOO_LARGE: tuple[type[BaseException], ...] = (
    aiokafka.errors.MessageSizeTooLargeError,
    aiokafka.errors.RecordTooLargeError,
    kafka.errors.MessageSizeTooLargeError,
)


@dataclass(frozen=True)
class Delivery:
    """One message as a consumer received it, with where it came from."""

    topic: str
    partition: int
    offset: int
    record: KafkaRecord


def dead_letter_headers(delivery: Delivery, *, consumer: str, error: BaseException) -> Headers:
    kept = [(k, v) for k, v in delivery.record.headers if not k.startswith("dlq-")]
    return [*kept, *_ours(delivery, consumer=consumer, error=error)]


def _ours(delivery: Delivery, *, consumer: str, error: BaseException) -> Headers:
    reason = (str(error) or error.__class__.__name__).encode()[:MAX_REASON_BYTES]
    return [
        ("dlq-reason", reason),
        ("dlq-error-class", error.__class__.__name__.encode()),
        ("dlq-consumer", consumer.encode()),
        ("dlq-original-topic", delivery.topic.encode()),
        ("dlq-original-partition", str(delivery.partition).encode()),
        ("dlq-original-offset", str(delivery.offset).encode()),
        ("dlq-failed-at", datetime.now(UTC).isoformat(timespec="microseconds").encode()),
    ]


def dead_letter(delivery: Delivery, *, consumer: str, error: BaseException) -> KafkaRecord:
    """The record for the DLQ: the original with our headers, if that fits the topic."""
    original = delivery.record
    whole = KafkaRecord(
        original.key, original.value, dead_letter_headers(delivery, consumer=consumer, error=error)
    )
    if record_size(whole.key, whole.value, whole.headers) <= MAX_MESSAGE_BYTES:
        return whole
    return truncated_envelope(delivery, consumer=consumer, error=error)


def truncated_envelope(delivery: Delivery, *, consumer: str, error: BaseException) -> KafkaRecord:
    """What the DLQ can always hold of a message: bounded headers, key and value prefix,
    with the value's size and hash to tell it from any other."""
    original = delivery.record
    kept = [
        (k[:HEADER_NAME_BYTES], (v or b"")[:HEADER_VALUE_BYTES])
        for k, v in original.headers
        if not k.startswith("dlq-")
    ][:KEPT_HEADERS]
    about = [
        ("dlq-truncated", b"true"),
        ("dlq-original-value-bytes", str(len(original.value)).encode()),
        ("dlq-original-value-sha256", hashlib.sha256(original.value).hexdigest().encode()),
        ("dlq-original-headers", str(len(original.headers)).encode()),
    ]
    key = original.key[:KEY_BYTES] if original.key is not None else None
    headers = [*kept, *_ours(delivery, consumer=consumer, error=error), *about]
    return KafkaRecord(key, original.value[:PREFIX_BYTES], headers)


def too_large(error: BaseException) -> bool:
    """Whether a send failed for the record's size (the client's error, or one it caused)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, TOO_LARGE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def send_to_dlq(
    publish: Publish, delivery: Delivery, *, consumer: str, error: BaseException
) -> None:
    """Publish the dead letter; refused for its size, publish its truncated envelope (the
    broker's limit may be below ours). Other failures are the caller's to retry."""
    letter = dead_letter(delivery, consumer=consumer, error=error)
    try:
        await publish(f"{delivery.topic}.dlq", letter.key, letter.value, letter.headers)
    except Exception as refusal:
        if not too_large(refusal) or ("dlq-truncated", b"true") in letter.headers:
            raise
        letter = truncated_envelope(delivery, consumer=consumer, error=error)
        await publish(f"{delivery.topic}.dlq", letter.key, letter.value, letter.headers)
