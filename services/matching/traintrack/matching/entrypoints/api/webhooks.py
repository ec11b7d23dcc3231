"""Webhooks: a firm's feed POSTed to its endpoints, signed; their delivery status."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.adapters.outbound import OutboundGuard
from traintrack.matching.commands import RegisterWebhook, RemoveWebhook, RotateWebhookSecret
from traintrack.matching.domain.destinations import Refused
from traintrack.matching.entrypoints.api.deps import (
    Bus,
    ClockDep,
    FirmKey,
    Outbound,
    SettingsDep,
    Views,
)
from traintrack.matching.entrypoints.api.schemas import (
    WebhookAttempt,
    WebhookCreate,
    WebhookPublic,
    WebhookSecret,
)
from traintrack.platform.errors import Rejected
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

# A secret is shown once: no cache keeps it, and neither does the Idempotency-Key store (a
# retry with the key hears 409: applied, secret not kept; rotate for a new one).
SHOWN_ONCE = "no-store"

router = APIRouter(prefix="/v1", tags=["delivery"])


def _webhook(row: Row) -> WebhookPublic:
    data = dict(row)
    return WebhookPublic(**data, pending=data["feed_seq"] - data["delivered_seq"])


async def outward(guard: OutboundGuard, url: str) -> None:
    """Refuse (422 naming `url`) a destination that leads back inside."""
    try:
        await guard.check(url)
    except Refused as exc:
        raise Rejected(f"the platform does not call this URL: {exc}", field="url") from None


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def register_webhook(
    body: WebhookCreate, bus: Bus, caller: FirmKey, guard: Outbound, response: Response
) -> WebhookSecret:
    """Firms: have your feed POSTed to `url`, signed as Standard Webhooks (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`) with the `whsec_` secret returned here, once.
    A URL leading to loopback, private, link-local or the platform's own addresses is
    refused, now and at every delivery."""
    await outward(guard, str(body.url))
    created = await bus.handle(RegisterWebhook(caller=caller, url=str(body.url), after=body.after))
    response.headers["Cache-Control"] = SHOWN_ONCE
    return WebhookSecret(**created)


@router.get("/webhooks")
async def list_webhooks(views: Views, caller: FirmKey) -> list[WebhookPublic]:
    """Your endpoints with their delivery status: cursor, pending entries, last attempt."""
    return [_webhook(r) for r in await views.webhooks(caller)]


@router.get("/webhooks/{webhook_id}/attempts")
async def webhook_attempts(
    webhook_id: IdPath,
    views: Views,
    caller: FirmKey,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[WebhookAttempt]:
    """Every call made to the endpoint, newest first, with its status or error."""
    found = await views.webhook_attempts(caller, webhook_id, limit)
    return [WebhookAttempt(**dict(r)) for r in found]


@router.post("/webhooks/{webhook_id}/rotate-secret")
async def rotate_webhook_secret(
    webhook_id: IdPath,
    bus: Bus,
    caller: FirmKey,
    settings: SettingsDep,
    clock: ClockDep,
    response: Response,
) -> WebhookSecret:
    """Firms, for their own webhook: a new secret, shown once; for the grace period (24 h)
    deliveries carry signatures with both, the new one first."""
    grace = timedelta(hours=settings.webhook_secret_grace_hours)
    secret = await bus.handle(RotateWebhookSecret(caller, webhook_id, now=clock(), grace=grace))
    response.headers["Cache-Control"] = SHOWN_ONCE
    return WebhookSecret(webhook_id=webhook_id, secret=secret)


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_webhook(webhook_id: IdPath, bus: Bus, caller: FirmKey) -> None:
    """Stop calling the endpoint (the feed itself stays readable)."""
    await bus.handle(RemoveWebhook(caller, webhook_id))
