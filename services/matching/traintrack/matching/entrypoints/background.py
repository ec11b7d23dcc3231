"""The API process's background loops: webhook dispatch, offer expiry and rounds too large
for one request, each polling through the platform's `Polls` (a poll that found nothing
is counted, not traced; each outlives any one failure); the decisions are the handlers'
(`ClaimDueWebhooks`, `RecordDeliveryAttempt`, `ExpireDueOffers`, `SolveQueuedRound`)."""

from __future__ import annotations

import asyncio

from traintrack.matching.adapters.outbound import OutboundGuard
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.adapters.webhook_sender import Clock, Due, WebhookSender, http_client
from traintrack.matching.commands import (
    ClaimDueWebhooks,
    ExpireDueOffers,
    RecordDeliveryAttempt,
    SolveQueuedRound,
)
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.bus import MessageBus
from traintrack.platform.polling import Polls

Bus = MessageBus[MatchingUnitOfWork]
CLAIM_LIMIT = 20
DISPATCH_LOOP, EXPIRY_LOOP, ROUND_LOOP = "webhook-dispatch", "offer-expiry", "round-solver"


async def deliver(bus: Bus, sender: WebhookSender, due: Due, settings: MatchingSettings) -> bool:
    """One call to one endpoint, and its record. True if delivered."""
    if not due.entries:
        return True
    sent = await sender.send(due.hook, due.entries)
    delivered: bool = await bus.handle(
        RecordDeliveryAttempt(
            webhook_id=due.hook["webhook_id"],
            first_seq=sent.first_seq,
            last_seq=sent.last_seq,
            status_code=sent.status_code,
            error=sent.error,
            duration_ms=sent.duration_ms,
            failures=due.hook["failures"],
            lease=due.hook["lease_until"],
            max_backoff_seconds=settings.webhook_max_backoff_seconds,
        )
    )
    return delivered


async def dispatch_once(bus: Bus, sender: WebhookSender, settings: MatchingSettings) -> int:
    """Call every webhook due; how many were called (delivered or not: each attempt is
    recorded, and a failed one backed off)."""
    claimed = await bus.handle(ClaimDueWebhooks(limit=CLAIM_LIMIT, batch=settings.webhook_batch))
    await asyncio.gather(*(deliver(bus, sender, d, settings) for d in claimed))
    return len(claimed)


async def run_dispatcher(
    bus: Bus, settings: MatchingSettings, guard: OutboundGuard, clock: Clock, polls: Polls
) -> None:
    client = http_client(
        timeout_seconds=settings.webhook_timeout_seconds,
        connect_timeout_seconds=settings.webhook_connect_timeout_seconds,
    )
    async with client:
        sender = WebhookSender(
            client,
            guard,
            timeout_seconds=settings.webhook_timeout_seconds,
            max_response_bytes=settings.webhook_max_response_bytes,
            clock=clock,
        )
        await polls.every(
            DISPATCH_LOOP,
            settings.dispatch_interval_seconds,
            lambda: dispatch_once(bus, sender, settings),
        )


async def run_expiry(bus: Bus, settings: MatchingSettings, polls: Polls) -> None:
    async def expire() -> int:
        expired: int = await bus.handle(ExpireDueOffers())
        return expired

    await polls.every(EXPIRY_LOOP, settings.expiry_interval_seconds, expire)


async def run_round_solver(bus: Bus, settings: MatchingSettings, polls: Polls) -> None:
    """Queued rounds, one at a time, oldest first; replicas share them (a round being
    solved is skipped by the others)."""

    async def solve() -> int:
        return 0 if await bus.handle(SolveQueuedRound()) is None else 1

    await polls.every(ROUND_LOOP, settings.round_solver_interval_seconds, solve)
