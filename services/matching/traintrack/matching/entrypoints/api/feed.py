"""Delivery to firms: the feed by cursor, a live server-sent-events stream, webhooks;
and the profile of a candidate a firm was shown."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import StreamingResponse

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.commands import RegisterWebhook, RemoveWebhook, RotateWebhookSecret
from traintrack.matching.entrypoints.api.deps import (
    AnyKey,
    Bus,
    FirmKey,
    InstituteOrOperatorKey,
    SettingsDep,
    Views,
)
from traintrack.matching.entrypoints.api.schemas import (
    CandidateProfile,
    FeedPage,
    WebhookAttempt,
    WebhookCreate,
    WebhookPublic,
    WebhookSecret,
)

router = APIRouter(prefix="/v1", tags=["delivery"])
KEEP_ALIVE_SECONDS = 15.0
STREAM_POLL_SECONDS = 0.5
MAX_SEQ = 2**63 - 1  # feed numbers are PostgreSQL bigints


@router.get("/feed")
async def read_feed(
    views: Views,
    caller: FirmKey,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="The last `seq` you processed.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> FeedPage:
    """Candidates delivered, updated and withdrawn, and your offers' changes, in order.
    Entries are numbered 1, 2, 3 ... per firm without gaps; read on from `next_cursor`."""
    entries = await views.feed(caller.tenant, after, limit)
    return FeedPage(
        entries=entries,  # type: ignore[arg-type]
        next_cursor=entries[-1]["seq"] if entries else after,
        head=await views.feed_head(caller.tenant),
    )


@router.get("/feed/stream", response_class=StreamingResponse)
async def stream_feed(
    request: Request,
    views: Views,
    caller: FirmKey,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    last_event_id: Annotated[int | None, Header(ge=0, le=MAX_SEQ)] = None,
) -> StreamingResponse:
    """The feed as server-sent events (`id` = seq); reconnect with `Last-Event-ID` to
    resume exactly where you stopped."""
    cursor = last_event_id if last_event_id is not None else after

    async def events() -> AsyncIterator[str]:
        nonlocal cursor
        yield "retry: 2000\n\n"
        idle = 0.0
        while not await request.is_disconnected():
            entries = await views.feed(caller.tenant, cursor, 100)
            for entry in entries:
                cursor = entry["seq"]
                yield f"id: {cursor}\nevent: {entry['kind']}\ndata: {json.dumps(entry)}\n\n"
            if entries:
                idle = 0.0
                continue
            await asyncio.sleep(STREAM_POLL_SECONDS)
            idle += STREAM_POLL_SECONDS
            if idle >= KEEP_ALIVE_SECONDS:
                idle = 0.0
                yield ": keep-alive\n\n"

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


def _webhook(row: Row) -> WebhookPublic:
    data = dict(row)
    return WebhookPublic(**data, pending=data["feed_seq"] - data["delivered_seq"])


@router.post("/webhooks", status_code=status.HTTP_201_CREATED)
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


@router.get("/candidates")
async def list_candidates(
    views: Views,
    caller: InstituteOrOperatorKey,
    minimum_stage: Annotated[int, Query(ge=0, le=4)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[CandidateProfile]:
    """The pool as this service knows it: an institute's own trainees (to apply to rounds
    for them), or everyone (operators). Firms receive candidates through their feed."""
    found = await views.candidates(caller, minimum_stage, limit)
    return [CandidateProfile(**p) for p in found]


@router.get("/candidates/{trainee_id}")
async def candidate_profile(trainee_id: str, views: Views, caller: AnyKey) -> CandidateProfile:
    """A candidate's profile: firms only while they may see them, institutes their own."""
    return CandidateProfile(**await views.candidate(caller, trainee_id))
