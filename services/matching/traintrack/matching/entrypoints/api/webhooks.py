"""Webhooks: a firm's feed POSTed to its endpoints, signed; their delivery status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.commands import RegisterWebhook, RemoveWebhook, RotateWebhookSecret
from traintrack.matching.entrypoints.api.deps import Bus, FirmKey, SettingsDep, Views
from traintrack.matching.entrypoints.api.schemas import (
    WebhookAttempt,
    WebhookCreate,
    WebhookPublic,
    WebhookSecret,
)
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["delivery"])


def _webhook(row: Row) -> WebhookPublic:
    data = dict(row)
    return WebhookPublic(**data, pending=data["feed_seq"] - data["delivered_seq"])


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def register_webhook(
    body: WebhookCreate, bus: Bus, caller: FirmKey, settings: SettingsDep
) -> WebhookSecret:
    """Have your feed POSTed to `url`, signed (`Traintrack-Signature: t=..,v1=..`, an
    HMAC-SHA256 of `<t>.<body>` with the secret returned here, once)."""
    created = await bus.handle(
        RegisterWebhook(
            caller=caller,
            url=str(body.url),
            scheme=body.url.scheme,
            after=body.after,
            require_https=settings.environment != "development",
        )
    )
    return WebhookSecret(**created)


@router.get("/webhooks")
async def list_webhooks(views: Views, caller: FirmKey) -> list[WebhookPublic]:
    """Your endpoints with their delivery status: cursor, pending entries, last attempt."""
    return [_webhook(r) for r in await views.webhooks(caller)]


@router.get("/webhooks/{webhook_id}/attempts")
async def webhook_attempts(
    webhook_id: str,
    views: Views,
    caller: FirmKey,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[WebhookAttempt]:
    """Every call made to the endpoint, newest first, with its status or error."""
    found = await views.webhook_attempts(caller, webhook_id, limit)
    return [WebhookAttempt(**dict(r)) for r in found]


@router.post("/webhooks/{webhook_id}/rotate-secret")
async def rotate_webhook_secret(webhook_id: str, bus: Bus, caller: FirmKey) -> WebhookSecret:
    """A new secret; for 24 hours deliveries carry signatures with both."""
    secret = await bus.handle(RotateWebhookSecret(caller, webhook_id))
    return WebhookSecret(webhook_id=webhook_id, secret=secret)


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_webhook(webhook_id: str, bus: Bus, caller: FirmKey) -> None:
    """Stop calling the endpoint (the feed itself stays readable)."""
    await bus.handle(RemoveWebhook(caller, webhook_id))
