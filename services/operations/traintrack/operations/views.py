"""The read side: what the GET routes answer. A trainee's journey, consumer lag, the dead
letters with their status, and the pipeline's health in one place (lag, dead letters,
last errors, outbox backlogs, rates)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from traintrack.operations.adapters import pipeline
from traintrack.operations.adapters.dead_letters import KafkaDeadLetters
from traintrack.operations.adapters.journey import journey
from traintrack.operations.adapters.repository import RepairLog
from traintrack.operations.adapters.services import outbox_backlogs, trainee_views
from traintrack.operations.domain.dead_letters import (
    DEAD,
    DeadLetter,
    chosen_topics,
    locate,
    selected,
    statuses,
)
from traintrack.operations.domain.pipeline import Lag, Rates, consumers
from traintrack.operations.settings import OperationsSettings


class OperationsViews:
    def __init__(self, settings: OperationsSettings, pool: asyncpg.Pool, rates: Rates) -> None:
        self.settings, self.rates = settings, rates
        self.repairs = RepairLog(pool)
        self.letters = KafkaDeadLetters(settings.kafka)  # read here, never resent

    async def journey(self, trainee_id: str, api_key: str) -> dict[str, Any]:
        """Every event about the trainee, with a Zipkin link to its trace, and each
        service's view of the trainee (asked with `api_key`, the caller's)."""
        events = await journey(self.settings.kafka, trainee_id)
        views = await trainee_views(self.settings.service_urls, trainee_id, api_key)
        zipkin = f"{self.settings.zipkin_url}/zipkin/traces/"
        return {
            "trainee_id": trainee_id,
            "events": [
                e.__dict__ | {"trace": zipkin + e.trace_id if e.trace_id else None} for e in events
            ],
            "views": views,
        }

    async def lag(self) -> list[Lag]:
        return await pipeline.lag(self.settings.kafka, self.settings.consumer_groups)

    async def statuses(self) -> dict[str, str]:
        return statuses(await self.repairs.repairs())

    async def dead_letters(
        self, *, topic: str | None, consumer: str | None, status: str | None
    ) -> list[tuple[DeadLetter, str]]:
        """The dead letters (of one DLQ topic, consumer or status) with their status."""
        topics = chosen_topics(topic, self.letters.topics)
        letters = await self.letters.read(topics)
        known = await self.statuses()
        return selected(letters, known, consumer=consumer, status=status)

    async def dead_letter(self, topic: str, partition: int, offset: int) -> tuple[DeadLetter, str]:
        letter = await locate(self.letters, topic, partition, offset)
        return letter, (await self.statuses()).get(letter.ref, DEAD)

    async def health(self) -> dict[str, Any]:
        """Consumers (lag, events/s, last dead letter), lag per partition, dead letters per
        topic and each service's outbox backlog and age."""
        lags, sizes, letters, backlog = await asyncio.gather(
            self.lag(),
            pipeline.dlq_sizes(self.settings.kafka),
            self.letters.read(),
            outbox_backlogs(self.settings.service_urls),
        )
        return {
            "consumers": consumers(lags, letters, self.rates),
            "partitions": lags,
            "dead_letters": sizes,
            "outbox": backlog,
        }
