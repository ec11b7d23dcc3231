"""Bounded tables: sent outbox rows go after their window, unsent ones never; inbox claims
go only once older than their window AND behind the group's committed offset; the sizes
show in /metrics. Each rule pinned at its boundary: exactly at the cut-off, and just past."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.structs import OffsetAndMetadata

from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.pruning import prune_inbox, prune_outbox, table_sizes
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import prune_once

pytestmark = pytest.mark.integration
CUT = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)  # timestamptz's resolution


@pytest.fixture
async def pool(platform):
    created = await create_pool(await platform.fresh_database("pruning"))
    yield created
    await created.close()


async def add_outbox_row(pool, sent_at: datetime | None) -> str:
    event_id = str(uuid.uuid4())
    await pool.execute(
        """INSERT INTO outbox (event_id, topic, partition_key, event_type, source,
                               event_time, data, sent_at)
           VALUES ($1, 't', 'k', 'x.v1', '/s', now(), '{}'::jsonb, $2)""",
        event_id,
        sent_at,
    )
    return event_id


async def outbox_ids(pool) -> set[str]:
    return {r["event_id"] for r in await pool.fetch("SELECT event_id::text FROM outbox")}


async def test_sent_rows_older_than_the_window_go_in_batches_and_the_rest_stay(pool):
    old = [await add_outbox_row(pool, CUT - timedelta(days=3)) for _ in range(7)]
    just_before = await add_outbox_row(pool, CUT - TICK)
    at_the_cut = await add_outbox_row(pool, CUT)
    recent = await add_outbox_row(pool, CUT + timedelta(days=1))
    unsent = await add_outbox_row(pool, None)

    gone = await prune_outbox(pool, sent_before=CUT, batch=3, pause=0)

    assert gone == 8  # batches of 3, 3, 2
    assert await outbox_ids(pool) == {at_the_cut, recent, unsent}
    assert just_before not in await outbox_ids(pool) and not set(old) & await outbox_ids(pool)


async def claim(pool, consumer: str, partition: int, offset: int, at: datetime) -> str:
    event_id = str(uuid.uuid4())
    await pool.execute(
        """INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,
                              kafka_offset, processed_at)
           VALUES ($1, $2, 'x.v1', 'topic-a', $3, $4, $5)""",
        consumer,
        event_id,
        partition,
        offset,
        at,
    )
    return event_id


async def claims(pool) -> set[str]:
    return {r["event_id"] for r in await pool.fetch("SELECT event_id FROM inbox")}


async def test_claims_go_only_when_old_and_behind_the_committed_offset(pool):
    old = CUT - timedelta(days=1)
    behind = await claim(pool, "c", 0, 99, old)  # committed 100: offset 99 is read
    at_commit = await claim(pool, "c", 0, 100, old)  # the next record read: may come again
    just_old = await claim(pool, "c", 0, 5, CUT - TICK)
    at_the_cut = await claim(pool, "c", 0, 6, CUT)
    uncommitted_partition = await claim(pool, "c", 1, 0, old)
    other_consumer = await claim(pool, "d", 0, 1, old)

    gone = await prune_inbox(
        pool, consumer="c", committed={("topic-a", 0): 100}, claimed_before=CUT, pause=0
    )

    assert gone == 2
    assert await claims(pool) == {at_commit, at_the_cut, uncommitted_partition, other_consumer}
    assert not {behind, just_old} & await claims(pool)


async def test_a_group_without_committed_offsets_prunes_nothing(pool):
    kept = await claim(pool, "c", 0, 1, CUT - timedelta(days=400))
    assert await prune_inbox(pool, consumer="c", committed={}, claimed_before=CUT) == 0
    assert await claims(pool) == {kept}


async def test_table_sizes_name_each_bounded_table(pool):
    await add_outbox_row(pool, None)
    await pool.execute("ANALYZE outbox")
    sizes = {s.table: s for s in await table_sizes(pool)}
    assert set(sizes) == {"outbox", "inbox", "idempotency_keys", "audit_log"}
    assert sizes["outbox"].rows == 1
    assert sizes["outbox"].bytes > 0


async def test_a_round_prunes_by_the_groups_real_committed_offsets(platform, pool):
    """prune_once as the API runs it: the group's offsets read from Kafka, windows from the
    settings, the database's clock."""
    topic, group = f"pruning-{uuid.uuid4().hex[:8]}", f"pruning-{uuid.uuid4().hex[:8]}"
    commit(platform.kafka_bootstrap, topic, group, partition=0, offset=10)
    long_ago = datetime.now(UTC) - timedelta(days=120)
    read = await claim(pool, group, 0, 9, long_ago)
    unread = await claim(pool, group, 0, 10, long_ago)
    recent = await claim(pool, group, 0, 3, datetime.now(UTC) - timedelta(days=90))
    sent_long_ago = await add_outbox_row(pool, datetime.now(UTC) - timedelta(days=8))
    sent_lately = await add_outbox_row(pool, datetime.now(UTC) - timedelta(days=6))
    await pool.execute("UPDATE inbox SET topic = $1", topic)

    settings = Settings(kafka_bootstrap=platform.kafka_bootstrap, consumer_name=group)
    gone = await prune_once(pool, settings)

    assert gone == {"idempotency_keys": 0, "outbox": 1, "inbox": 1}
    assert await claims(pool) == {unread, recent}
    assert read not in await claims(pool)
    assert await outbox_ids(pool) == {sent_lately} and sent_long_ago not in await outbox_ids(pool)


class Settings(ServiceSettings):
    consumer_name: str


def commit(bootstrap: str, topic: str, group: str, *, partition: int, offset: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics({topic: {"num_partitions": 1, "replication_factor": 1}})
    finally:
        admin.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    try:
        consumer.commit({TopicPartition(topic, partition): OffsetAndMetadata(offset, "", -1)})
    finally:
        consumer.close()
