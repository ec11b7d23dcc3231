"""Dead letters repaired through the operations API on the real parts: the letter read
from its DLQ on Kafka, the original sent back to its topic, each repair in the audit log
of the service's database, and nothing recorded when a repair is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from tests.utils.apps import client_of, running_app
from tests.utils.platform import KafkaTail, header
from traintrack.contracts.topics import ENROLLMENT_EVENTS, INSTITUTE_SUBMISSIONS
from traintrack.operations.adapters.dead_letters import KafkaDeadLetters
from traintrack.operations.adapters.uow import OperationsUnitOfWork
from traintrack.operations.bootstrap import create_app
from traintrack.operations.domain.dead_letters import Repair
from traintrack.operations.settings import OperationsSettings
from traintrack.platform.web.auth import Principal, Role

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def app(platform, keys):
    async with running_app(
        create_app, OperationsSettings, platform, keys["file"], "operations"
    ) as app:
        yield app


@pytest.fixture
def consumer() -> str:
    """A consumer name of this test alone: its letters are told apart from any other's."""
    return f"test-ops-{uuid.uuid4().hex[:8]}"


async def park(platform, consumer: str, value: bytes = b'{"day": 1}') -> str:
    """A dead letter as a consumer leaves it; its key (the trainee id)."""
    key = f"tr-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            INSTITUTE_SUBMISSIONS.dlq,
            key=key.encode(),
            value=value,
            headers=[
                ("ce_id", f"ev-{key}".encode()),
                ("ce_type", b"traintrack.institute.attendance-submitted.v1"),
                ("dlq-reason", b"unknown, revoked or non-institute key k1"),
                ("dlq-error-class", b"Rejected"),
                ("dlq-consumer", consumer.encode()),
                ("dlq-original-topic", INSTITUTE_SUBMISSIONS.name.encode()),
                ("dlq-original-partition", b"2"),
                ("dlq-original-offset", b"17"),
                ("dlq-failed-at", datetime.now(UTC).isoformat().encode()),
            ],
        )
    finally:
        await producer.stop()
    return key


async def letters_of(api, consumer: str, **params) -> list[dict]:
    response = await api.get("/v1/dead-letters", params={"consumer": consumer, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def repairs(app, ref: str) -> list[tuple[str, str, dict]]:
    rows = await app.state.pool.fetch(
        "SELECT action, key_id, detail FROM audit_log WHERE target = $1 AND action LIKE 'dlq.%'"
        " ORDER BY audit_id",
        ref,
    )
    return [(r["action"], r["key_id"], r["detail"]) for r in rows]


async def test_a_replayed_letter_goes_back_to_its_topic_and_its_replay_is_on_record(
    app, keys, platform, consumer
):
    key = await park(platform, consumer)
    tail = await KafkaTail(platform.kafka_bootstrap, INSTITUTE_SUBMISSIONS.name).start()
    try:
        async with client_of(app, "operations") as api:
            api.headers.update(keys["operator"])
            [letter] = await letters_of(api, consumer)
            assert (letter["key"], letter["status"]) == (key, "dead")
            assert letter["original"] == f"{INSTITUTE_SUBMISSIONS.name}/2/17"
            shown = (await api.get(f"/v1/dead-letters/{letter['ref']}")).json()
            assert shown["value"] == '{"day": 1}' and shown["headers"]["dlq-consumer"] == consumer
            replayed = await api.post(f"/v1/dead-letters/{letter['ref']}/replay")
            assert replayed.status_code == 200
            assert replayed.json()["status"] == "replayed"
        resent = await tail.wait_for(lambda r: r.key == key.encode())
    finally:
        await tail.stop()
    assert resent.value == b'{"day": 1}'
    assert header(resent, "replayed-from") == letter["ref"].encode()
    assert header(resent, "ce_id") == f"ev-{key}".encode()
    assert header(resent, "dlq-reason") is None
    [(action, _, detail)] = await repairs(app, letter["ref"])
    assert (action, detail) == (
        "dlq.replay",
        {"event_id": f"ev-{key}", "to": f"{INSTITUTE_SUBMISSIONS.name}/2/17"},
    )


async def test_a_discard_is_on_record_once_and_a_second_one_is_a_conflict(
    app, keys, platform, consumer
):
    await park(platform, consumer)
    async with client_of(app, "operations") as api:
        api.headers.update(keys["operator"])
        [letter] = await letters_of(api, consumer)
        ref = letter["ref"]
        first = await api.post(f"/v1/dead-letters/{ref}/discard", json={"reason": "junk"})
        assert (first.status_code, first.json()["status"]) == (200, "discarded")
        again = await api.post(f"/v1/dead-letters/{ref}/discard", json={"reason": "twice"})
        assert again.status_code == 409
        assert again.json()["detail"] == f"{ref} is discarded already"
        assert [d["ref"] for d in await letters_of(api, consumer, status="discarded")] == [ref]
        assert await letters_of(api, consumer, status="dead") == []
    assert [(a, d) for a, _, d in await repairs(app, ref)] == [
        ("dlq.discard", {"reason": "junk", "event_id": letter["event_id"]})
    ]


async def test_replaying_all_of_a_consumer_takes_only_its_letters_still_dead(
    app, keys, platform, consumer
):
    await park(platform, consumer)
    await park(platform, consumer)
    async with client_of(app, "operations") as api:
        api.headers.update(keys["operator"])
        first, second = await letters_of(api, consumer)
        await api.post(f"/v1/dead-letters/{first['ref']}/discard", json={"reason": "junk"})
        replayed = await api.post("/v1/dead-letters/replay", params={"consumer": consumer})
        assert replayed.json() == {"replayed": 1}
        statuses = {d["ref"]: d["status"] for d in await letters_of(api, consumer)}
    assert statuses == {first["ref"]: "discarded", second["ref"]: "replayed"}


async def test_places_that_hold_no_letter_are_not_found_and_other_topics_are_refused(app, keys):
    async with client_of(app, "operations") as api:
        api.headers.update(keys["operator"])
        empty = f"{INSTITUTE_SUBMISSIONS.dlq}/0/999999999"
        assert (await api.post(f"/v1/dead-letters/{empty}/replay")).status_code == 404
        not_a_dlq = f"{ENROLLMENT_EVENTS.name}/0/0"
        assert (await api.get(f"/v1/dead-letters/{not_a_dlq}")).status_code == 404
        refused = await api.get("/v1/dead-letters", params={"topic": ENROLLMENT_EVENTS.name})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "topic"


async def test_a_repair_left_uncommitted_leaves_nothing_on_record(app, platform, consumer):
    await park(platform, consumer)
    operator = Principal(key_id="op-x", role=Role.OPERATOR, tenant="platform")
    uow = OperationsUnitOfWork(app.state.pool, dead_letters=KafkaDeadLetters(platform.kafka))
    async with uow:
        letters = await uow.dead_letters.read([INSTITUTE_SUBMISSIONS.dlq])
        [letter] = [d for d in letters if d.consumer == consumer]
        await uow.repairs.record(Repair.DISCARD, letter, by=operator, detail={})
        assert (letter.ref, Repair.DISCARD) in await uow.repairs.repairs()
    assert await repairs(app, letter.ref) == []
