"""Two API processes of one service share a database: one relay publishes (it holds the
relay lock), the other stands by. kill -9 of the publisher hands the outbox to the standby:
every event reaches the topic and no row stays unsent."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest

from tests.utils.keys import master_file, write_keyring
from tests.utils.platform import KafkaTail, eventually, header
from tests.utils.processes import ARTIFACTS, ServiceProcesses, free_port
from traintrack.contracts.topics import ENROLLMENT_EVENTS
from traintrack.platform.messaging.outbox import relay_holder
from traintrack.platform.web.auth import Role

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
TRAINEE = {"birth_year": 1998, "region_code": "30", "status": "job_seeker", "name": "김하은"}


async def register(port: int, key: str, count: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
        for _ in range(count):
            answer = await http.post("/v1/trainees", json=TRAINEE, headers={"X-API-Key": key})
            assert answer.status_code == 201, answer.text


async def test_the_standby_publishes_once_the_holder_is_killed(platform, tmp_path):
    keyring = tmp_path / "keyring.json"
    keys = write_keyring(
        keyring,
        {"institute": (Role.INSTITUTE, "inst-relay"), "operator": (Role.OPERATOR, "platform")},
    )
    key = keys["institute"]
    database = await platform.fresh_database("relay_standby")
    ports = {"enrollment-api-1": free_port(), "enrollment-api-2": free_port()}
    processes = ServiceProcesses(ARTIFACTS / "relay-standby")
    tail = await KafkaTail(platform.kafka_bootstrap, ENROLLMENT_EVENTS.name).start()
    conn = await asyncpg.connect(database)
    try:
        for name, port in ports.items():
            env = {
                "ENROLLMENT_DATABASE_URL": database,
                "ENROLLMENT_KAFKA_BOOTSTRAP": platform.kafka_bootstrap,
                "ENROLLMENT_HTTP_PORT": str(port),
                "ENROLLMENT_KEYRING_FILE": str(keyring),
                "ENROLLMENT_SUBMISSION_SIGNING_MASTER_FILE": str(master_file(keyring)),
            }
            processes.start(name, "traintrack.enrollment", "api", env)
            await asyncio.to_thread(
                processes.wait_ready, name, f"http://127.0.0.1:{port}/readyz", 120
            )
        pids = {processes.procs[name].pid: name for name in ports}

        async def holder() -> str | None:
            found = await relay_holder(conn)
            return pids.get(int(found.rsplit(" ", 1)[1])) if found else None

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            institute = {"institute_id": "inst-relay", "name": "훈련원", "region_code": "30"}
            headers = {"X-API-Key": keys["operator"]}
            created = await http.post("/v1/institutes", json=institute, headers=headers)
            assert created.status_code == 201, created.text
        first = await eventually(holder)
        standby = next(name for name in ports if name != first)
        await register(ports[first], key, 10)
        await register(ports[standby], key, 10)  # its rows wait in the outbox for the holder
        await eventually(lambda: unsent(conn, expect=0))
        processes.kill(first)
        await register(ports[standby], key, 10)

        assert await eventually(holder, timeout=60) == standby
        await eventually(lambda: unsent(conn, expect=0), timeout=60)
        rows = await conn.fetch("SELECT event_id::text, event_type FROM outbox")
        ids = {r["event_id"] for r in rows}
        registered = [r for r in rows if r["event_type"].endswith(".trainee-registered.v1")]
        assert len(registered) == 30
        seen: set[str] = set()  # at least once: the holder may have died mid-batch

        async def all_published() -> bool:
            for record in await tail.drain(lambda r: header(r, "ce_id").decode() in ids, 1.0):
                seen.add(header(record, "ce_id").decode())
            return seen == ids

        await eventually(all_published, timeout=60)
    finally:
        await conn.close()
        await tail.stop()
        processes.stop_all()


async def unsent(conn: asyncpg.Connection, *, expect: int) -> bool:
    total = await conn.fetchval("SELECT count(*) FROM outbox")
    waiting = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    return bool(total) and waiting == expect
