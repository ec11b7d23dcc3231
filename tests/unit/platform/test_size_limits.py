"""One size limit end to end: the broker the dev stack runs, the topics we create, every
producer and every consumer of the platform agree with `MAX_MESSAGE_BYTES`."""

import json

import pytest

from tests.utils import factories
from tests.utils.keys import signing_secret_of
from traintrack.contracts.topics import MAX_MESSAGE_BYTES
from traintrack.devstack.kafka import PROPERTIES as KAFKA_PROPERTIES
from traintrack.institute.sdk import InstituteClient
from traintrack.platform.errors import TooLarge
from traintrack.platform.messaging import outbox
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.outbox import new_producer
from traintrack.platform.messaging.streams import create_stream_app


def test_the_limit_is_kafkas_default_message_max_bytes_and_the_dev_broker_says_so():
    assert MAX_MESSAGE_BYTES == 1_048_588
    assert f"\nmessage.max.bytes={MAX_MESSAGE_BYTES}\n" in KAFKA_PROPERTIES


def test_stream_workers_fetch_up_to_the_limit(tmp_path):
    """(They send with `new_producer`, the relay's and DLQ writer's, pinned below.)"""
    app = create_stream_app(
        "size-test", kafka=KafkaConnection.plaintext("127.0.0.1:1"), state_dir=tmp_path
    )
    assert app.consumer_settings()["max_partition_fetch_bytes"] >= MAX_MESSAGE_BYTES


async def test_the_outbox_relay_and_dlq_producer_send_up_to_the_limit():
    producer = new_producer(KafkaConnection.plaintext("127.0.0.1:1"))
    assert producer._max_request_size == MAX_MESSAGE_BYTES


def test_the_institute_sdk_sends_up_to_the_limit(monkeypatch):
    made = {}
    monkeypatch.setattr(
        "traintrack.institute.sdk.KafkaProducer", lambda **settings: made.update(settings)
    )
    InstituteClient(bootstrap="127.0.0.1:1", signing_secret=signing_secret_of("tt_k1_secret"))
    assert made["max_request_size"] == MAX_MESSAGE_BYTES


class RecordingConnection:
    def __init__(self):
        self.rows = []

    async def execute(self, sql, *args):
        if "INSERT INTO outbox" in sql:
            event_ids = args[0]  # one array per column, one element per event
            self.rows += event_ids


async def test_an_event_that_could_exceed_the_limit_is_refused_before_it_reaches_the_outbox(
    monkeypatch,
):
    """The relay could never publish it, and every row after it would wait: refused in the
    writer's transaction instead (the limit lowered here to pin the boundary)."""
    event = factories.trainee_registered()
    largest = len(json.dumps(event.model_dump(mode="json")).encode()) + outbox.ENVELOPE_BYTES
    conn = RecordingConnection()
    monkeypatch.setattr(outbox, "MAX_MESSAGE_BYTES", largest)
    await outbox.add_events(conn, [event], source="/t")
    assert len(conn.rows) == 1
    monkeypatch.setattr(outbox, "MAX_MESSAGE_BYTES", largest - 1)
    with pytest.raises(TooLarge, match=event.type):
        await outbox.add_events(conn, [event], source="/t")
    assert len(conn.rows) == 1
