"""The handler wrapper every Kafka consumer runs: nothing escapes, nothing is lost.

A faust agent that raises has its message acked and lost. So `EventConsumer.process`
never raises: transient failures are retried with backoff for as long as they last
(the partition waits: order matters more than speed), poison goes to the DLQ, and it
returns only after one of those happened, so the offset moves on only then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum

import asyncpg
from opentelemetry import trace
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_not_exception_type,
    wait_exponential_jitter,
)

from traintrack_shared import codec, inbox
from traintrack_shared.codec import Envelope
from traintrack_shared.dlq import Delivery, Publish, send_to_dlq
from traintrack_shared.errors import PoisonMessage, Rejected

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[Envelope, asyncpg.Connection], Awaitable[None]]

# Failures of the world, not of the message: wait and try again, however long it takes.
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.CannotConnectNowError,
)
# Failures of the message itself: straight to the DLQ.
POISON: tuple[type[BaseException], ...] = (
    PoisonMessage,
    Rejected,
    ValidationError,
    asyncpg.DataError,
)
# Anything else (a bug, say) is tried this often before the message is dead-lettered.
UNEXPECTED_ATTEMPTS = 3


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        pool: asyncpg.Pool,
        handlers: Mapping[str, Handler],
        publish: Publish,
        max_backoff: float = 30.0,
    ) -> None:
        self.name = name
        self._pool = pool
        self._handlers = handlers
        self._publish = publish
        self._max_backoff = max_backoff

    async def process(self, delivery: Delivery) -> Outcome:
        try:
            envelope = codec.decode(delivery.record)
        except PoisonMessage as error:
            return await self._dead_letter(delivery, error)
        handler = self._handlers.get(envelope.type)
        if handler is None:
            return Outcome.IGNORED  # a known event this consumer has no interest in
        with tracer.start_as_current_span(
            f"handle {envelope.type}",
            attributes={
                "cloudevents.event_id": envelope.id,
                "cloudevents.event_type": envelope.type,
                "traintrack.partition_key": envelope.key,
                "messaging.consumer.group.name": self.name,
                "messaging.destination.name": delivery.topic,
                "messaging.destination.partition.id": str(delivery.partition),
                "messaging.kafka.offset": delivery.offset,
            },
        ) as span:
            try:
                outcome = await self._apply_with_retries(envelope, handler, delivery)
            except Exception as error:
                span.record_exception(error)
                outcome = await self._dead_letter(delivery, error)
            span.set_attribute("traintrack.outcome", outcome.value)
            return outcome

    async def _apply_with_retries(
        self, envelope: Envelope, handler: Handler, delivery: Delivery
    ) -> Outcome:
        retrying = AsyncRetrying(
            retry=retry_if_not_exception_type(POISON),
            stop=self._give_up,
            wait=wait_exponential_jitter(initial=0.1, max=self._max_backoff),
            before_sleep=self._log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._apply(envelope, handler, delivery)
        raise AssertionError("unreachable: tenacity either returns or reraises")

    async def _apply(self, envelope: Envelope, handler: Handler, delivery: Delivery) -> Outcome:
        async with self._pool.acquire() as conn, conn.transaction():
            first_time = await inbox.claim(
                conn,
                consumer=self.name,
                event_id=envelope.id,
                event_type=envelope.type,
                topic=delivery.topic,
                partition=delivery.partition,
                offset=delivery.offset,
            )
            if not first_time:
                return Outcome.DUPLICATE
            await handler(envelope, conn)
        return Outcome.APPLIED

    @staticmethod
    def _give_up(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TRANSIENT):
            return False
        return state.attempt_number >= UNEXPECTED_ATTEMPTS

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning("%s: attempt %d failed (%r); retrying", self.name, state.attempt_number, error)

    async def _dead_letter(self, delivery: Delivery, error: BaseException) -> Outcome:
        log.error(
            "%s: dead-lettering %s[%d]@%d: %s",
            self.name,
            delivery.topic,
            delivery.partition,
            delivery.offset,
            error,
        )
        backoff = 0.5
        while True:  # a DLQ write that fails must not lose the message either
            try:
                await send_to_dlq(self._publish, delivery, consumer=self.name, error=error)
                return Outcome.DEAD_LETTERED
            except Exception:
                log.exception("%s: DLQ write failed; retrying in %.1fs", self.name, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
