"""The API process's background loops: webhook dispatch, offer expiry and rounds too large
for one request. Each outlives any one failure; the decisions are the handlers'
(`ClaimDueWebhooks`, `RecordDeliveryAttempt`, `ExpireDueOffers`, `SolveQueuedRound`)."""

from __future__ import annotations

import asyncio
import logging

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

log = logging.getLogger(__name__)
Bus = MessageBus[MatchingUnitOfWork]
CLAIM_LIMIT = 20


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
    claimed = await bus.handle(ClaimDueWebhooks(limit=CLAIM_LIMIT, batch=settings.webhook_batch))
    results = await asyncio.gather(*(deliver(bus, sender, d, settings) for d in claimed))
    return sum(results)


async def run_dispatcher(
    bus: Bus, settings: MatchingSettings, guard: OutboundGuard, clock: Clock
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
        while True:
            try:
                busy = await dispatch_once(bus, sender, settings)
            except Exception:  # a background loop: it must outlive any one failure
                log.exception("webhook dispatch failed; trying again")
                busy = 0
            if not busy:
                await asyncio.sleep(settings.dispatch_interval_seconds)


async def run_expiry(bus: Bus, settings: MatchingSettings) -> None:
    while True:
        try:
            await bus.handle(ExpireDueOffers())
        except Exception:  # a background loop: it must outlive any one failure
            log.exception("expiring offers failed; trying again")
        await asyncio.sleep(settings.expiry_interval_seconds)


async def run_round_solver(bus: Bus, settings: MatchingSettings) -> None:
    """Queued rounds, one at a time, oldest first; replicas share them (a round being
    solved is skipped by the others)."""
    while True:
        try:
            solved = await bus.handle(SolveQueuedRound())
        except Exception:  # a background loop: it must outlive any one failure
            log.exception("solving a queued round failed; trying again")
            solved = None
        if solved is None:
            await asyncio.sleep(settings.round_solver_interval_seconds)
