"""Our account of where each client puts a key agrees with the clients themselves: keys
produced by librdkafka (through confluent-kafka) with each of its partitioners, and by
aiokafka, land where `partitioners` says."""

import uuid

import pytest
from aiokafka import AIOKafkaProducer
from confluent_kafka import Producer
from kafka.admin import KafkaAdminClient, NewTopic

from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS
from traintrack.platform.messaging import partitioners

pytestmark = pytest.mark.integration
KEYS = [f"tr-{n}-{uuid.uuid4().hex[:6]}".encode() for n in range(40)] + [b"a", b"\xff" * 9]
PARTITIONS = INSTITUTE_SUBMISSIONS.partitions


@pytest.fixture(scope="module")
def topic(platform):
    name = f"{INSTITUTE_SUBMISSIONS.name}.partitioners-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=platform.kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(name, PARTITIONS, 1)])
        yield name
        admin.delete_topics([name])
    finally:
        admin.close()


def produced_by_librdkafka(bootstrap, topic, partitioner):
    landed = {}

    def delivered(error, message):
        assert error is None, error
        landed[message.key()] = message.partition()

    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": partitioner})
    for key in KEYS:
        producer.produce(topic, key=key, value=b"{}", on_delivery=delivered)
    assert producer.flush(30) == 0
    return landed


@pytest.mark.parametrize(
    ("partitioner", "ours"),
    [
        ("consistent_random", partitioners.librdkafka_default),  # librdkafka's default
        ("murmur2_random", partitioners.java),
        ("fnv1a_random", partitioners.sarama),
    ],
)
def test_librdkafka_puts_each_key_where_we_say(platform, topic, partitioner, ours):
    landed = produced_by_librdkafka(platform.kafka_bootstrap, topic, partitioner)
    assert landed == {key: ours(key, PARTITIONS) for key in KEYS}


def test_librdkafkas_default_is_crc32_and_spreads_keys_elsewhere_than_murmur2(platform, topic):
    landed = produced_by_librdkafka(platform.kafka_bootstrap, topic, "consistent_random")
    moved = [k for k in KEYS if landed[k] != partitioners.java(k, PARTITIONS)]
    assert moved  # the problem the journey must survive: not the Java client's partition
    assert all(landed[k] in partitioners.every_client(k, PARTITIONS) for k in KEYS)


async def test_aiokafka_puts_each_key_where_we_say(platform, topic):
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap)
    await producer.start()
    try:
        for key in KEYS:
            sent = await producer.send_and_wait(topic, b"{}", key=key)
            assert sent.partition == partitioners.java(key, PARTITIONS)
    finally:
        await producer.stop()
