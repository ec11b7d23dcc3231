from traintrack.contracts.codec import KafkaRecord
from traintrack.contracts.errors import PoisonMessage
from traintrack.platform.messaging.dlq import Delivery, dead_letter_headers


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
