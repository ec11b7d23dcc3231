import hashlib

import aiokafka.errors
import kafka.errors
import pytest

from traintrack.contracts.codec import KafkaRecord, record_size
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.topics import MAX_MESSAGE_BYTES
from traintrack.platform.messaging.dlq import (
    KEY_BYTES,
    MAX_REASON_BYTES,
    PREFIX_BYTES,
    Delivery,
    dead_letter,
    dead_letter_headers,
    send_to_dlq,
)


def test_dead_letter_headers_name_the_error_consumer_and_origin_and_keep_the_original():
    delivery = Delivery(
        "enrollment.events.v1",
        3,
        42,
        KafkaRecord(b"k", b"v", [("ce_id", b"e1"), ("dlq-reason", b"old")]),
    )
    headers = dead_letter_headers(
        delivery, consumer="outcomes", error=PoisonMessage("unknown event type 'x'")
    )
    values = dict(headers)
    assert values["dlq-reason"] == b"unknown event type 'x'"
    assert values["dlq-error-class"] == b"PoisonMessage"
    assert values["dlq-consumer"] == b"outcomes"
    assert values["dlq-original-topic"] == b"enrollment.events.v1"
    assert values["dlq-original-partition"] == b"3"
    assert values["dlq-original-offset"] == b"42"
    assert values["ce_id"] == b"e1"
    assert [k for k, _ in headers].count("dlq-reason") == 1  # an earlier reason is replaced


KEY = b"tr-1"
HEADERS = [("ce_id", b"e1"), ("ce_type", b"traintrack.institute.record-attendance.v1")]
POISON = PoisonMessage("traintrack.institute.record-attendance.v1 data invalid: note: extra")


def delivery_of(value: bytes, headers=HEADERS) -> Delivery:
    return Delivery("institute.submissions.v1", 1, 9, KafkaRecord(KEY, value, headers))


def value_whose_dead_letter_takes(size: int) -> bytes:
    """A value whose whole dead letter (original + our headers) takes exactly `size` bytes."""
    headers = dead_letter_headers(delivery_of(b""), consumer="enrollment", error=POISON)
    length = size - record_size(KEY, b"", headers)
    while record_size(KEY, b"x" * length, headers) > size:
        length -= 1
    assert record_size(KEY, b"x" * length, headers) == size
    return b"x" * length


def test_a_dead_letter_that_fits_the_topic_is_the_whole_original():
    value = value_whose_dead_letter_takes(MAX_MESSAGE_BYTES)
    letter = dead_letter(delivery_of(value), consumer="enrollment", error=POISON)
    assert letter.value == value
    assert record_size(letter.key, letter.value, letter.headers) == MAX_MESSAGE_BYTES
    assert "dlq-truncated" not in dict(letter.headers)


def test_a_dead_letter_one_byte_over_the_limit_is_a_truncated_envelope():
    value = value_whose_dead_letter_takes(MAX_MESSAGE_BYTES) + b"y"
    letter = dead_letter(delivery_of(value), consumer="enrollment", error=POISON)
    values = dict(letter.headers)
    assert values["dlq-truncated"] == b"true"
    assert values["dlq-reason"] == str(POISON).encode()
    assert values["dlq-original-value-bytes"] == str(len(value)).encode()
    assert values["dlq-original-value-sha256"] == hashlib.sha256(value).hexdigest().encode()
    assert values["ce_id"] == b"e1"  # the original headers, to find it by
    assert letter.key == KEY
    assert letter.value == value[:PREFIX_BYTES]


def test_a_truncated_envelope_is_bounded_however_large_the_headers_and_key():
    headers = [(f"h{n}" * 100, b"v" * 100_000) for n in range(200)]
    huge = Delivery("t", 0, 0, KafkaRecord(b"k" * 500_000, b"x" * 2_000_000, headers))
    letter = dead_letter(huge, consumer="c", error=PoisonMessage("r" * 10_000))
    size = record_size(letter.key, letter.value, letter.headers)
    assert size < 200_000
    assert len(letter.key or b"") == KEY_BYTES
    assert dict(letter.headers)["dlq-original-headers"] == b"200"
    assert len(dict(letter.headers)["dlq-reason"]) == MAX_REASON_BYTES


async def test_a_dead_letter_the_broker_refuses_for_size_goes_again_as_a_truncated_envelope():
    sent: list[tuple[str, bytes | None, bytes, list]] = []

    async def publish(topic, key, value, headers):
        if "dlq-truncated" not in dict(headers):
            try:  # wrapped, as a client library may wrap the refusal
                raise aiokafka.errors.MessageSizeTooLargeError()
            except Exception as error:
                raise RuntimeError("Error while sending") from error
        sent.append((topic, key, value, headers))

    small = delivery_of(b'{"note": "small"}')
    await send_to_dlq(publish, small, consumer="enrollment", error=POISON)
    [(topic, key, value, headers)] = sent
    assert topic == "institute.submissions.v1.dlq"
    assert (key, value) == (KEY, b'{"note": "small"}')
    assert dict(headers)["dlq-truncated"] == b"true"


async def test_a_dead_letter_write_failing_otherwise_is_left_to_the_caller_to_retry():
    calls = 0

    async def publish(*_):
        nonlocal calls
        calls += 1
        raise aiokafka.errors.KafkaConnectionError()

    with pytest.raises(aiokafka.errors.KafkaConnectionError):
        await send_to_dlq(publish, delivery_of(b"{}"), consumer="enrollment", error=POISON)
    assert calls == 1


async def test_a_truncated_envelope_refused_for_size_is_not_shrunk_forever():
    calls = 0

    async def publish(*_):
        nonlocal calls
        calls += 1
        raise kafka.errors.MessageSizeTooLargeError()

    with pytest.raises(kafka.errors.MessageSizeTooLargeError):
        await send_to_dlq(publish, delivery_of(b"{}"), consumer="enrollment", error=POISON)
    assert calls == 2
