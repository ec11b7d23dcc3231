"""The real Kafka, PostgreSQL and Zipkin a test session runs against, and helpers on them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from traintrack.devstack.infra import infra_up
from traintrack.platform.messaging.admin import ensure_topics
from traintrack.platform.messaging.connection import KafkaConnection

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Platform:
    kafka_bootstrap: str
    pg_url: str  # server URL without a database
    zipkin_url: str

    @property
    def kafka(self) -> KafkaConnection:
        return KafkaConnection.plaintext(self.kafka_bootstrap)

    async def fresh_database(self, prefix: str) -> str:
        """A new empty database for one test module; its URL."""
        name = f"test_{prefix}_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(f"{self.pg_url}/postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return f"{self.pg_url}/{name}"

    def ensure_topics(self) -> None:
        ensure_topics(self.kafka)


def local_platform() -> Platform:
    """Kafka, PostgreSQL and Zipkin as the dev stack's local processes (started if need be)."""
    endpoints = infra_up()
    platform = Platform(endpoints.kafka_bootstrap, endpoints.pg_url, endpoints.zipkin_url)
    platform.ensure_topics()
    return platform


class KafkaTail:
    """Reads a topic from its current end: what arrives after `start()`."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._topic = topic
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)

    async def start(self) -> KafkaTail:
        await self._consumer.start()
        partitions = self._consumer.partitions_for_topic(self._topic)
        if not partitions:
            await self._consumer._client.force_metadata_update()
            partitions = self._consumer.partitions_for_topic(self._topic) or set()
        self._consumer.assign([TopicPartition(self._topic, p) for p in partitions])
        await self._consumer.seek_to_end()
        for tp in self._consumer.assignment():
            await self._consumer.position(tp)  # resolve the lazy seek now, before the test acts
        return self

    async def stop(self) -> None:
        await self._consumer.stop()

    async def wait_for(
        self, matches: Callable[[ConsumerRecord], bool], timeout: float = 30.0
    ) -> ConsumerRecord:
        async with asyncio.timeout(timeout):
            while True:
                batches = await self._consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    for record in records:
                        if matches(record):
                            return record

    async def collect(
        self, matches: Callable[[ConsumerRecord], bool], count: int, timeout: float = 30.0
    ) -> list[ConsumerRecord]:
        found: list[ConsumerRecord] = []
        async with asyncio.timeout(timeout):
            while len(found) < count:
                batches = await self._consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    found.extend(r for r in records if matches(r))
        return found

    async def drain(
        self, matches: Callable[[ConsumerRecord], bool], seconds: float
    ) -> list[ConsumerRecord]:
        """Whatever matching arrives within `seconds`."""
        found: list[ConsumerRecord] = []
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                found.extend(r for r in records if matches(r))
        return found


def header(record: ConsumerRecord, name: str) -> bytes | None:
    for key, value in record.headers or ():
        if key == name:
            return bytes(value)
    return None


async def eventually(
    probe: Callable[[], Awaitable[T]], *, timeout: float = 30.0, interval: float = 0.2
) -> T:
    """Poll `probe` until it returns something truthy; that value."""
    async with asyncio.timeout(timeout):
        while True:
            value = await probe()
            if value:
                return value
            await asyncio.sleep(interval)
