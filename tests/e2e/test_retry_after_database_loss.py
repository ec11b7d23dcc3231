"""A write whose answer was lost with the database, retried as a client would: exactly one
event on the topic and one fact in every projection.

PostgreSQL is killed (-9, every server process) the moment it has committed the
registration of a trainee, before the acknowledgement reaches the enrollment API: the
client hears 503 (with Retry-After), hears 503 again while the database is away, and once
it is back its retry with the same Idempotency-Key gets the first answer. The enrollment
API, the matching worker and the outcomes worker run as processes on a PostgreSQL of this
test's own (the shared one is never touched), the API through a proxy that does the kill.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.utils import catalogue, factories
from tests.utils.own_postgres import KillingProxy, OwnPostgres
from tests.utils.platform import ROOT, eventually, header
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port
from traintrack.contracts.topics import ENROLLMENT_EVENTS
from traintrack.platform.db.pool import SHARED_MIGRATIONS
from traintrack.platform.web.auth import Role, issue_key

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
REGISTERED = "traintrack.enrollment.trainee-registered.v1"


async def test_a_registration_retried_after_the_database_died_under_it_happens_once(
    platform, tmp_path, monkeypatch
):
    prefix = f"test-idem-kill{uuid.uuid4().hex[:6]}."
    monkeypatch.setenv("TRAINTRACK_TOPIC_PREFIX", prefix)
    platform.ensure_topics()
    database = OwnPostgres()
    database.start()
    proxy = KillingProxy(database.port, database.kill)
    await proxy.start()
    processes = ServiceProcesses(ARTIFACTS / "e2e-logs" / "retry-after-database-loss")
    try:
        api, keys = await _start_services(platform, database, proxy, processes, tmp_path)
        async with httpx.AsyncClient(base_url=api, timeout=30) as client:
            await catalogue.seed(
                client,
                operator_key=keys["operator"],
                institute_key=keys["institute"],
                institute_id="inst-a",
                cohort_id="kdt-kill-1",
            )
            for service in ("matching", "outcomes"):  # the workers have their stores
                await eventually(lambda s=service: _migrated(database.url(s), s), timeout=180)
            headers = {"X-API-Key": keys["institute"], "Idempotency-Key": "reg-kill-1"}
            body = factories.trainee_body()

            proxy.armed = True
            lost = await client.post("/v1/trainees", json=body, headers=headers)
            assert proxy.killed == 1  # the database died between the commit and the answer
            _assert_unavailable(lost)
            _assert_unavailable(await client.post("/v1/trainees", json=body, headers=headers))

            database.start()
            retried = await eventually(
                lambda: _until_answered(client.post("/v1/trainees", json=body, headers=headers))
            )
        assert retried.status_code == 201, retried.text
        assert retried.headers["Idempotent-Replayed"] == "true"  # the first one had happened
        trainee_id = retried.json()["trainee_id"]

        db = database.url
        assert await _count(db("enrollment"), "SELECT count(*) FROM trainees") == 1
        outbox = "SELECT count(*) FROM outbox WHERE event_type = $1 AND partition_key = $2"
        assert await _count(db("enrollment"), outbox, REGISTERED, trainee_id) == 1
        facts = "SELECT count(*) FROM facts WHERE kind = 'trainee-registered' AND subject = $1"
        view = "SELECT count(*) FROM trainees WHERE trainee_id = $1"
        candidates = "SELECT count(*) FROM candidates WHERE trainee_id = $1"
        inbox = "SELECT count(*) FROM inbox WHERE event_id = $1"
        await eventually(lambda: _count(db("outcomes"), facts, trainee_id), timeout=180)
        [event_id] = await _event_ids_on_topic(platform.kafka_bootstrap, trainee_id)
        await eventually(lambda: _count(db("matching"), inbox, event_id), timeout=180)
        assert await _count(db("outcomes"), facts, trainee_id) == 1
        assert await _count(db("outcomes"), view, trainee_id) == 1
        assert await _count(db("outcomes"), inbox, event_id) == 1
        assert await _count(db("matching"), candidates, trainee_id) == 1
        assert await _count(db("matching"), inbox, event_id) == 1
    finally:
        processes.stop_all()
        await proxy.stop()
        database.remove()


def _assert_unavailable(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["Retry-After"].isdigit()


async def _until_answered(request) -> httpx.Response | None:  # type: ignore[no-untyped-def]
    answer = await request
    return None if answer.status_code == 503 else answer


async def _start_services(platform, database, proxy, processes, tmp_path):  # type: ignore[no-untyped-def]
    institute_key, institute = issue_key(Role.INSTITUTE, "inst-a")
    operator_key, operator = issue_key(Role.OPERATOR, "platform")
    keyring = tmp_path / "keyring.json"
    keyring.write_text(json.dumps([e.model_dump() for e in (institute, operator)]))
    admin = await asyncpg.connect(database.url("postgres"))
    for name in ("enrollment", "matching", "outcomes"):
        await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    port = free_port()

    def env(service: str, url: str) -> dict[str, str]:
        prefix = service.upper()
        return {
            f"{prefix}_DATABASE_URL": url,
            f"{prefix}_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
            f"{prefix}_HTTP_PORT": str(port),
            f"{prefix}_KEYRING_FILE": str(keyring),
            f"{prefix}_STATE_DIR": str(tmp_path / f"state-{service}"),
            f"{prefix}_CONSUMER_NAME": f"{service}-kill-{uuid.uuid4().hex[:6]}",
        }

    # Only the API goes through the proxy: its commit is the one that loses its answer.
    processes.start(
        "enrollment-api",
        "traintrack.enrollment",
        "api",
        env("enrollment", database.url("enrollment", port=proxy.port)),
    )
    for service in ("matching", "outcomes"):
        processes.start(
            f"{service}-worker",
            f"traintrack.{service}",
            "worker",
            env(service, database.url(service)),
        )
    # In a thread: the proxy the API starts through runs on this event loop.
    await asyncio.to_thread(
        processes.wait_ready, "enrollment-api", f"http://127.0.0.1:{port}/readyz"
    )
    return f"http://127.0.0.1:{port}", {"institute": institute_key, "operator": operator_key}


async def _migrated(url: str, service: str) -> bool:
    """Every migration of the worker applied: the kill must not land mid-migration (a
    worker whose database dies while it migrates is another test's subject)."""
    wanted = len(list(SHARED_MIGRATIONS.glob("*.sql"))) + len(
        list((ROOT / f"services/{service}/traintrack/{service}/migrations").glob("*.sql"))
    )
    conn = await asyncpg.connect(url)
    try:
        if not await conn.fetchval("SELECT to_regclass('_yoyo_migration') IS NOT NULL"):
            return False
        return int(await conn.fetchval("SELECT count(*) FROM _yoyo_migration")) == wanted
    finally:
        await conn.close()


async def _count(url: str, query: str, *args: object) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(query, *args))
    finally:
        await conn.close()


async def _event_ids_on_topic(bootstrap: str, trainee_id: str) -> set[str]:
    """The ids of the registrations of `trainee_id` on the enrollment topic: every message
    on it, read from the beginning until the end seen now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        topic = ENROLLMENT_EVENTS.name
        await consumer._client.force_metadata_update()  # as KafkaTail does: no subscription
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        assert parts, f"{topic} has no partitions"
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        ids: list[str] = []
        async with asyncio.timeout(60):
            while [p for p in parts if await consumer.position(p) < ends[p]]:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    ids.extend(
                        (header(r, "ce_id") or b"").decode()
                        for r in records
                        if r.key == trainee_id.encode()
                        and header(r, "ce_type") == REGISTERED.encode()
                    )
        # One event: one event id. The relay publishes at least once (DESIGN.md): when the
        # database dies between its publish and its mark, as it can here, the same event is
        # on the topic twice, and every inbox (the projections below) applies it once.
        assert len(set(ids)) == 1, f"registrations of {trainee_id} on {topic}: {ids}"
        return set(ids)
    finally:
        await consumer.stop()
