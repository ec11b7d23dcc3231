"""Dead letters: a poison message goes to `<topic>.dlq` with headers that say why."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from traintrack.contracts.codec import Headers, KafkaRecord

# Sends (topic, key, value, headers) and returns once the broker acknowledged it.
Publish = Callable[[str, bytes | None, bytes, Headers], Awaitable[None]]

MAX_REASON_BYTES = 2000


@dataclass(frozen=True)
class Delivery:
    """One message as a consumer received it, with where it came from."""

    topic: str
    partition: int
    offset: int
    record: KafkaRecord


def dead_letter_headers(delivery: Delivery, *, consumer: str, error: BaseException) -> Headers:
    reason = (str(error) or error.__class__.__name__).encode()[:MAX_REASON_BYTES]
    ours = [
        ("dlq-reason", reason),
        ("dlq-error-class", error.__class__.__name__.encode()),
        ("dlq-consumer", consumer.encode()),
        ("dlq-original-topic", delivery.topic.encode()),
        ("dlq-original-partition", str(delivery.partition).encode()),
        ("dlq-original-offset", str(delivery.offset).encode()),
        ("dlq-failed-at", datetime.now(UTC).isoformat().encode()),
    ]
    kept = [(k, v) for k, v in delivery.record.headers if not k.startswith("dlq-")]
    return [*kept, *ours]


async def send_to_dlq(
    publish: Publish, delivery: Delivery, *, consumer: str, error: BaseException
) -> None:
    await publish(
        f"{delivery.topic}.dlq",
        delivery.record.key,
        delivery.record.value,
        dead_letter_headers(delivery, consumer=consumer, error=error),
    )
