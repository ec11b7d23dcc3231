"""Replay: the outcomes store rebuilt from the topics equals the live one, row for row."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from kafka import KafkaAdminClient

from tests.e2e.conftest import OUTCOMES_CONSUMER, enroll_over_http
from tests.utils.platform import eventually
from traintrack.outcomes.entrypoints.replay import replay
from traintrack.outcomes.entrypoints.worker import AGENTS
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.platform.messaging.admin import partitions
from traintrack.platform.messaging.connection import KafkaConnection

pytestmark = pytest.mark.e2e
TABLES = {
    "facts": "SELECT event_id, kind, subject, known_at, data, import_id, imported_by FROM facts "
    "ORDER BY event_id",
    "trainees": "SELECT trainee_id, institute_id, birth_year, region_code, status, registered_at, "
    "source_event_id FROM trainees ORDER BY trainee_id",
    "enrollments": "SELECT enrollment_id, trainee_id, institute_id, cohort_id, enrolled_on, "
    "event_time, source_event_id FROM enrollments ORDER BY enrollment_id",
}


async def _caught_up(bootstrap: str) -> bool:
    """Nothing new on the topics for a moment, and the live worker has committed it all."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        kafka = KafkaConnection.plaintext(bootstrap)
        found = await asyncio.to_thread(partitions, kafka, [t.name for t in AGENTS])
        topic_partitions = [TopicPartition(topic, p) for topic, p in found]
        assert topic_partitions
        ends = await consumer.end_offsets(topic_partitions)
        await asyncio.sleep(2)
        if await consumer.end_offsets(topic_partitions) != ends:
            return False
    finally:
        await consumer.stop()
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        found = await asyncio.to_thread(admin.list_group_offsets, OUTCOMES_CONSUMER)
        committed = {(tp.topic, tp.partition): o for tp, o in found[OUTCOMES_CONSUMER].items()}
    finally:
        admin.close()
    return all(
        end == 0 or (tp in committed and committed[tp].offset >= end)
        for tp, end in ((tuple(tp), end) for tp, end in ends.items())
    )


async def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    conn = await asyncpg.connect(url)
    try:
        return {name: [tuple(r) for r in await conn.fetch(sql)] for name, sql in TABLES.items()}
    finally:
        await conn.close()


async def test_the_store_rebuilt_from_the_topics_equals_the_live_one(running):
    trainee, _ = await enroll_over_http(running)

    async def live_has_it():
        rows = await _rows(running.outcomes_database)
        return any(r[2] == trainee["trainee_id"] for r in rows["facts"])

    await eventually(live_has_it, timeout=180)
    await eventually(lambda: _caught_up(running.platform.kafka_bootstrap), timeout=180, interval=1)

    rebuilt_url = await running.platform.fresh_database("outcomes_rebuilt")
    settings = OutcomesSettings(
        kafka_bootstrap=running.platform.kafka_bootstrap,
        database_url=running.outcomes_database,
        consumer_name=OUTCOMES_CONSUMER,
    )
    done = await replay(settings, rebuilt_url)
    assert done.events > 0

    live, rebuilt = await _rows(running.outcomes_database), await _rows(rebuilt_url)
    assert {name: len(rows) for name, rows in rebuilt.items()} == {
        name: len(rows) for name, rows in live.items()
    }
    assert rebuilt == live
