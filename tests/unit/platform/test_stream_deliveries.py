"""What a worker hands the EventConsumer: aiokafka's records as Deliveries."""

from types import SimpleNamespace

from traintrack.contracts.codec import KafkaRecord
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.messaging.streams import _delivery


def event(headers, value=b"{}"):
    return SimpleNamespace(
        topic="t.v1", partition=2, offset=7, key=b"k", value=value, headers=headers
    )


def test_a_record_becomes_a_delivery_with_its_origin_and_headers_in_order():
    headers = [("ce_id", b"1"), ("traceparent", b"00-x"), ("ce_id", b"2")]
    assert _delivery(event(headers)) == Delivery("t.v1", 2, 7, KafkaRecord(b"k", b"{}", headers))


def test_a_null_header_value_reads_as_empty_so_the_codec_can_refuse_it_with_a_reason():
    delivery = _delivery(event([("ce_id", None), ("x-mine", b"\xff")]))
    assert delivery.record.headers == [("ce_id", b""), ("x-mine", b"\xff")]


def test_no_headers_and_no_value_read_as_empty():
    assert _delivery(event(None, value=None)).record == KafkaRecord(b"k", b"", [])


def test_headers_given_as_a_mapping_read_as_pairs():
    assert _delivery(event({"ce_id": b"1"})).record.headers == [("ce_id", b"1")]
