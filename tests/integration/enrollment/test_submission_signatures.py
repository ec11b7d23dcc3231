"""Institutes' Kafka submissions through the enrollment worker's real consumer: only the
signing secret issued with a standing key signs; the keyring file's contents (API key
hashes) forge nothing, and a revoked key's submissions are dead-lettered too."""

import json
from datetime import date

import pytest
from aiokafka import AIOKafkaProducer

from tests.utils import catalogue
from tests.utils.apps import client_of, running_app
from tests.utils.keys import STANDARD, master_file, signing_secret_of, write_keyring
from tests.utils.platform import KafkaTail, header
from traintrack.contracts import codec, signing
from traintrack.contracts.submissions import RecordAttendance
from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS
from traintrack.enrollment.bootstrap import consumer_of, create_app
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.institute.sdk import signed_record
from traintrack.platform.messaging.consumer import Outcome
from traintrack.platform.messaging.dlq import Delivery
from traintrack.platform.web.auth import Role, add_key, revoke_key

pytestmark = pytest.mark.integration
COHORT = "signed-2026-1"
DAY = date(2026, 3, 3)  # the cohort's first training day (catalogue.STARTS)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    return write_keyring(path, STANDARD) | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    async with running_app(
        create_app, EnrollmentSettings, platform, keys["file"], "enrollment"
    ) as app:
        async with client_of(app, "enrollment") as client:
            await catalogue.seed(
                client,
                operator_key=keys["operator"],
                institute_key=keys["institute"],
                institute_id="inst-a",
                cohort_id=COHORT,
            )
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "enrollment") as client:
        yield client


@pytest.fixture(scope="module")
async def consumer(platform, app, keys):
    """The worker's consumer, as bootstrap builds it, writing its dead letters to Kafka."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap, acks="all")
    await producer.start()

    async def publish(topic, key, value, headers):
        await producer.send_and_wait(topic, value, key=key, headers=headers)

    settings = EnrollmentSettings(
        keyring_file=keys["file"], submission_signing_master_file=master_file(keys["file"])
    )
    yield consumer_of(settings, app.state.pool, publish=publish)
    await producer.stop()


@pytest.fixture
async def dead_letters(platform):
    tail = await KafkaTail(platform.kafka_bootstrap, INSTITUTE_SUBMISSIONS.dlq).start()
    yield tail
    await tail.stop()


async def enrolled(client, keys):
    from tests.utils import factories

    api = {"X-API-Key": keys["institute"]}
    trainee = (await client.post("/v1/trainees", json=factories.trainee_body(), headers=api)).json()
    response = await client.post(
        "/v1/enrollments",
        headers=api,
        json={"trainee_id": trainee["trainee_id"], "cohort_id": COHORT, "applied_on": "2026-01-05"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def present(enrollment):
    return RecordAttendance(
        trainee_id=enrollment["trainee_id"],
        enrollment_id=enrollment["enrollment_id"],
        day=DAY,
        status="present",
        check_in="09:00",
    )


def stored_hash(keyring, key):
    """What the keyring file holds for `key`: all a thief of the file has."""
    key_id = key.split("_", 2)[1]
    return next(e["sha256"] for e in json.loads(keyring.read_text()) if e["key_id"] == key_id)


async def attended(client, keys, enrollment):
    report = await client.get(
        f"/v1/enrollments/{enrollment['enrollment_id']}/attendance",
        headers={"X-API-Key": keys["institute"]},
    )
    return report.json()["to_date"]["attended"]


_offsets = iter(range(1, 1_000_000))


async def process(consumer, record):
    return await consumer.process(Delivery(INSTITUTE_SUBMISSIONS.name, 0, next(_offsets), record))


async def reason_of(dead_letters, enrollment):
    [letter] = await dead_letters.collect(
        lambda r: r.key == enrollment["trainee_id"].encode(), 1, timeout=30
    )
    return header(letter, "dlq-reason").decode()


async def test_a_submission_signed_with_the_issued_signing_secret_is_applied(
    client, keys, consumer
):
    enrollment = await enrolled(client, keys)
    record = signed_record(present(enrollment), signing_secret_of(keys["institute"]))
    assert await process(consumer, record) is Outcome.APPLIED
    assert await attended(client, keys, enrollment) == 1


async def test_a_submission_signed_with_the_keyrings_stored_hash_is_dead_lettered(
    client, keys, consumer, dead_letters
):
    enrollment = await enrolled(client, keys)
    key_id = signing.key_id_of(signing_secret_of(keys["institute"]))
    # The hash is even shaped like a signing secret: the SDK signs with it without a murmur.
    forged = f"ttsig_{key_id}_{stored_hash(keys['file'], keys['institute'])}"
    assert await process(consumer, signed_record(present(enrollment), forged)) is (
        Outcome.DEAD_LETTERED
    )
    assert "signature does not match" in await reason_of(dead_letters, enrollment)
    assert await attended(client, keys, enrollment) == 0


async def test_a_submission_signed_by_the_old_scheme_with_the_stored_hash_is_dead_lettered(
    client, keys, consumer, dead_letters
):
    """Before: the HMAC key was the SHA-256 hex of the API key, the keyring's very entry."""
    enrollment = await enrolled(client, keys)
    good = signed_record(present(enrollment), signing_secret_of(keys["institute"]))
    event = codec.decode(good)
    old = signing.signature_of(
        stored_hash(keys["file"], keys["institute"]), event.id, event.type, good.value
    )
    headers = [
        (name, old.encode() if name == f"ce_{signing.SIGNATURE}" else value)
        for name, value in good.headers
    ]
    forged = codec.KafkaRecord(good.key, good.value, headers)
    assert await process(consumer, forged) is Outcome.DEAD_LETTERED
    assert "signature does not match" in await reason_of(dead_letters, enrollment)
    assert await attended(client, keys, enrollment) == 0


async def test_a_revoked_keys_submissions_are_dead_lettered(client, keys, consumer, dead_letters):
    key, entry = add_key(keys["file"], Role.INSTITUTE, "inst-a")
    secret = signing_secret_of(key)
    first, second = await enrolled(client, keys), await enrolled(client, keys)
    assert await process(consumer, signed_record(present(first), secret)) is Outcome.APPLIED
    revoke_key(keys["file"], entry.key_id)
    assert await process(consumer, signed_record(present(second), secret)) is (
        Outcome.DEAD_LETTERED
    )
    reason = await reason_of(dead_letters, second)
    assert f"unknown, revoked or non-institute key {entry.key_id}" in reason
    assert await attended(client, keys, second) == 0
