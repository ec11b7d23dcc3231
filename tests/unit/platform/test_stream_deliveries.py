"""What a worker hands its EventConsumers: aiokafka's records as Deliveries, and one
consumer per worker."""

from types import SimpleNamespace

from traintrack.contracts.codec import KafkaRecord
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.messaging.streams import _delivery, consume, create_stream_app


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


async def test_topics_given_the_same_build_share_the_consumer_it_makes(tmp_path):
    """One pool and one inbox name per worker, however many topics it reads."""
    app = create_stream_app(
        "share-test", kafka=KafkaConnection.plaintext("127.0.0.1:1"), state_dir=tmp_path
    )
    made = []

    async def build():
        made.append(object())
        return made[-1]

    async def other():
        return "other"

    consume(app, SimpleNamespace(name="a.v1"), agent_name="a", build=build, batch=500)
    consume(app, SimpleNamespace(name="b.v1"), agent_name="b", build=build)
    consume(app, SimpleNamespace(name="c.v1"), agent_name="c", build=other)
    handlers = await app._handlers()
    assert len(made) == 1
    assert handlers == {"a.v1": (made[0], 500), "b.v1": (made[0], 1), "c.v1": ("other", 1)}
