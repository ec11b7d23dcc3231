"""The handler wrapper every Kafka consumer runs: nothing escapes, nothing is lost.

The worker commits a poll's offsets once its consumers returned, so a record whose
handling raised would be committed and lost. So `EventConsumer.process` never raises:
transient failures are retried with backoff for as long as they last
(the partition waits: order matters more than speed), poison goes to the DLQ, and it
returns only after one of those happened, so the offset moves on only then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
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

from traintrack.contracts import REGISTRY, codec
from traintrack.contracts.codec import Envelope
from traintrack.contracts.errors import PoisonMessage
from traintrack.platform.db import Connection
from traintrack.platform.errors import Rejected
from traintrack.platform.messaging import inbox, message_spans
from traintrack.platform.messaging.dlq import Delivery, Publish, send_to_dlq

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Connection], Awaitable[None]]
# Applies many events of one type in the caller's transaction; returns the errors of those
# it refused, by position (their effects must not have been applied).
BatchHandler = Callable[[Sequence[Envelope], Connection], Awaitable[Mapping[int, Exception]]]

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
        batch_handlers: Mapping[str, BatchHandler] | None = None,
    ) -> None:
        self.name = name
        self._pool = pool
        self._handlers = handlers
        self._batch_handlers = batch_handlers or {}
        self._publish = publish
        self._max_backoff = max_backoff
        self._skippable_by_topic: dict[str, frozenset[bytes]] = {}

    def _not_for_us(self, delivery: Delivery) -> bool:
        """A well-formed record of a type its topic carries, for which this consumer has no
        handler: skipped without decoding (every worker reads every attendance event; most
        want none). Anything else is decoded, so a malformed record (two ce_type headers,
        say) or a type foreign to the topic is dead-lettered by every consumer that reads
        the topic, and never skipped by the one it was meant for."""
        skippable = self._skippable(delivery.topic)
        if not skippable:  # the usual case: a consumer wants every type of its topic
            return False
        types = [v for k, v in delivery.record.headers if k.lower() == "ce_type"]
        if len(types) != 1 or types[0] not in skippable:
            return False
        try:
            codec.check_binding(delivery.record)
        except PoisonMessage:
            return False
        return True

    def _skippable(self, topic: str) -> frozenset[bytes]:
        """The types `topic` carries that this consumer has no handler for, as their
        `ce_type` header reads (worked out once per topic: this is asked per record)."""
        found = self._skippable_by_topic.get(topic)
        if found is None:
            found = frozenset(
                event_type.encode()
                for event_type, contract in REGISTRY.items()
                if contract.topic.name == topic
                and event_type not in self._handlers
                and event_type not in self._batch_handlers
            )
            self._skippable_by_topic[topic] = found
        return found

    async def process(self, delivery: Delivery) -> Outcome:
        if self._not_for_us(delivery):
            return Outcome.IGNORED
        try:
            envelope = codec.decode(delivery.record, topic=delivery.topic)
        except PoisonMessage as error:
            return await self._dead_letter(delivery, error)
        return await self._process_decoded(delivery, envelope)

    def _span(
        self, envelope: Envelope, delivery: Delivery
    ) -> contextlib.AbstractContextManager[trace.Span]:
        """The message's span (`message_spans`), current inside, ended on exit."""
        span = message_spans.start_span(envelope, delivery, consumer=self.name)
        return message_spans.acting_in(span, end_on_exit=True)

    async def _process_decoded(self, delivery: Delivery, envelope: Envelope) -> Outcome:
        handler = self._handlers.get(envelope.type)
        if handler is None:
            return Outcome.IGNORED  # a known event this consumer has no interest in
        with self._span(envelope, delivery) as span:
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
            wait=wait_exponential_jitter(multiplier=0.1, max=self._max_backoff),
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

    # ------------------------------------------------------------ batches

    async def process_batch(self, deliveries: Sequence[Delivery]) -> list[Outcome]:
        """Process records in order; consecutive records whose types have batch handlers
        are applied together in one transaction (skipped ones do not break the run).
        Never raises."""
        outcomes: list[Outcome | None] = [None] * len(deliveries)
        run: list[tuple[int, Delivery, Envelope]] = []

        async def apply_run() -> None:
            applied = await self._apply_run([(d, e) for _, d, e in run])
            for (index, _, _), outcome in zip(run, applied, strict=True):
                outcomes[index] = outcome
            run.clear()

        for index, delivery in enumerate(deliveries):
            if self._not_for_us(delivery):
                outcomes[index] = Outcome.IGNORED  # no effect: the run may go on past it
                continue
            try:
                envelope = codec.decode(delivery.record, topic=delivery.topic)
            except PoisonMessage as error:
                await apply_run()
                outcomes[index] = await self._dead_letter(delivery, error)
                continue
            if envelope.type in self._batch_handlers:
                run.append((index, delivery, envelope))
            else:
                await apply_run()
                outcomes[index] = await self._process_decoded(delivery, envelope)
        await apply_run()
        return [o for o in outcomes if o is not None]

    async def _apply_run(self, run: list[tuple[Delivery, Envelope]]) -> list[Outcome]:
        """Consecutive events with batch handlers, of one type or several, in one
        transaction: each stretch of one type goes to its handler, in order."""
        if len(run) <= 1:
            return [await self._process_one_of_batch(d, e) for d, e in run]
        spans = [  # one per message, in the trace of its cause; current only where it acts
            message_spans.start_span(envelope, delivery, consumer=self.name)
            for delivery, envelope in run
        ]
        retrying = AsyncRetrying(
            stop=self._give_up,
            reraise=True,
            wait=wait_exponential_jitter(multiplier=0.1, max=self._max_backoff),
            before_sleep=self._log_retry,
        )
        try:
            # The run's own statements (inbox claim, commit) in the last message's trace.
            with message_spans.acting_in(spans[-1], record_errors=False):
                async for attempt in retrying:
                    with attempt:
                        outcomes, refused = await self._apply_batch(run, spans)
        except Exception as failure:
            log.exception("%s: batch of %d failed; processing one by one", self.name, len(run))
            for span in spans:
                span.record_exception(failure)
                span.end()
            return [await self._process_one_of_batch(d, e) for d, e in run]
        for index, error in refused.items():
            with message_spans.acting_in(spans[index]):
                outcomes[index] = await self._dead_letter(run[index][0], error)
        for span, outcome in zip(spans, outcomes, strict=True):
            span.set_attribute("traintrack.outcome", outcome.value)
            span.end()
        return outcomes

    async def _process_one_of_batch(self, delivery: Delivery, envelope: Envelope) -> Outcome:
        handler = self._batch_handlers.get(envelope.type)
        if handler is None or envelope.type in self._handlers:
            return await self._process_decoded(delivery, envelope)

        async def single(event: Envelope, conn: Connection) -> None:
            refused = await handler([event], conn)
            if refused:
                raise refused[0]

        with self._span(envelope, delivery) as span:
            try:
                outcome = await self._apply_with_retries(envelope, single, delivery)
            except Exception as error:
                span.record_exception(error)
                outcome = await self._dead_letter(delivery, error)
            span.set_attribute("traintrack.outcome", outcome.value)
            return outcome

    async def _apply_batch(
        self, run: list[tuple[Delivery, Envelope]], spans: Sequence[trace.Span]
    ) -> tuple[list[Outcome], Mapping[int, Exception]]:
        async with self._pool.acquire() as conn, conn.transaction():
            fresh_ids = await inbox.claim_many(
                conn,
                consumer=self.name,
                events=[(e.id, e.type, d.topic, d.partition, d.offset) for d, e in run],
            )
            fresh: list[int] = []
            for index, (_, envelope) in enumerate(run):
                if envelope.id in fresh_ids:
                    fresh.append(index)
                    fresh_ids.discard(envelope.id)  # a second copy in the batch is a duplicate
            refused: dict[int, Exception] = {}
            traced = {i for i in fresh if spans[i].is_recording()}
            for stretch in _stretches(fresh, run, alone=traced):
                handler = self._batch_handlers[run[stretch[0]][1].type]
                # What the handler does and emits, in the trace of the stretch's cause.
                with message_spans.acting_in(spans[stretch[-1]]):
                    refused_here = await handler([run[i][1] for i in stretch], conn)
                refused.update({stretch[i]: error for i, error in refused_here.items()})
            if refused:
                await inbox.release(
                    conn, consumer=self.name, event_ids=[run[i][1].id for i in refused]
                )
        fresh_set = set(fresh)
        outcomes = [
            Outcome.APPLIED if i in fresh_set else Outcome.DUPLICATE for i in range(len(run))
        ]
        return outcomes, refused

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
        # A DLQ write that fails must not lose the message either: retried while the broker
        # is away; one refused for its size was already sent as a truncated envelope.
        while True:
            try:
                await send_to_dlq(self._publish, delivery, consumer=self.name, error=error)
                return Outcome.DEAD_LETTERED
            except Exception:
                log.exception("%s: DLQ write failed; retrying in %.1fs", self.name, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)


def _stretches(
    indexes: list[int], run: list[tuple[Delivery, Envelope]], *, alone: set[int]
) -> list[list[int]]:
    """Consecutive events of one type, for their handler at once. An event in `alone` (its
    trace is sampled) is a stretch of its own: what the handler does for it and the events
    it emits belong in that trace, and in no other message's. The others share the trace
    of their stretch's last: unsampled, it records nothing and keeps what follows so."""
    stretches: list[list[int]] = []
    for i in indexes:
        last = stretches[-1] if stretches else None
        if (
            last is not None
            and i not in alone
            and last[-1] not in alone
            and run[last[0]][1].type == run[i][1].type
        ):
            last.append(i)
        else:
            stretches.append([i])
    return stretches
