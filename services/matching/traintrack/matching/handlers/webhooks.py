"""Webhooks: firms register endpoints; the dispatcher claims the due ones and records each
attempt. At least once and in order: an endpoint's cursor moves only after a 2xx for the
whole batch (`domain/deliveries.py`), so a receiver sees each entry at least once and
can drop repeats by `seq`."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import UTC, datetime

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.adapters.webhook_sender import Due
from traintrack.matching.commands import (
    ClaimDueWebhooks,
    RecordDeliveryAttempt,
    RegisterWebhook,
    RemoveWebhook,
    RotateWebhookSecret,
)
from traintrack.matching.domain.access import Caller, owns
from traintrack.matching.domain.deliveries import backoff, judge
from traintrack.matching.handlers.firms import registered_firm
from traintrack.platform.errors import NotFound


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def register_webhook(command: RegisterWebhook, uow: MatchingUnitOfWork) -> dict[str, str]:
    """The secret is returned once, here."""
    await registered_firm(uow, command.caller)
    webhook_id, secret = f"wh-{uuid.uuid4().hex[:12]}", new_secret()
    await uow.webhooks.add(
        webhook_id=webhook_id,
        firm_id=command.caller.tenant,
        url=command.url,
        secret=secret,
        after=command.after,
    )
    return {"webhook_id": webhook_id, "secret": secret}


async def own_webhook(uow: MatchingUnitOfWork, caller: Caller, webhook_id: str) -> Row:
    row = await uow.webhooks.get(webhook_id)
    if row is None or not owns(caller, row["firm_id"]):
        raise NotFound(f"webhook {webhook_id}")
    return row


async def rotate_webhook_secret(command: RotateWebhookSecret, uow: MatchingUnitOfWork) -> str:
    """A new secret, returned once; the old one keeps signing beside it for the grace
    period, so a receiver can switch over without refusing a delivery."""
    await own_webhook(uow, command.caller, command.webhook_id)
    secret = new_secret()
    now = command.now or datetime.now(UTC)
    await uow.webhooks.rotate(command.webhook_id, secret, now + command.grace)
    return secret


async def remove_webhook(command: RemoveWebhook, uow: MatchingUnitOfWork) -> None:
    await own_webhook(uow, command.caller, command.webhook_id)
    await uow.webhooks.deactivate(command.webhook_id)


async def claim_due_webhooks(command: ClaimDueWebhooks, uow: MatchingUnitOfWork) -> list[Due]:
    """Lease the webhooks due a call (one caller per webhook, however many API processes
    run), each with the next batch of its firm's feed."""
    due = []
    for hook in await uow.webhooks.claim_due(command.limit):
        entries = await uow.feed.entries(hook["firm_id"], hook["delivered_seq"], command.batch)
        due.append(Due(hook, entries))
    return due


async def record_delivery_attempt(command: RecordDeliveryAttempt, uow: MatchingUnitOfWork) -> bool:
    """Keep the attempt for the firm to read; move the cursor on a delivery, back off on
    a failure. True if delivered."""
    verdict = judge(command.status_code, command.error)
    await uow.webhooks.record_attempt(
        webhook_id=command.webhook_id,
        first_seq=command.first_seq,
        last_seq=command.last_seq,
        status_code=command.status_code,
        error=verdict.error,
        duration_ms=command.duration_ms,
        delivered=verdict.delivered,
        backoff_seconds=backoff(command.failures + 1, command.max_backoff_seconds),
        lease=command.lease,
    )
    return verdict.delivered
