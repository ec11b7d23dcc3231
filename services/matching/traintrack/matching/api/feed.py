"""Delivery to firms: the feed by cursor, a live server-sent-events stream, webhooks;
and the profile of a candidate a firm was shown."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import StreamingResponse

from traintrack.matching import webhooks
from traintrack.matching.api.deps import (
    AnyKey,
    FirmKey,
    InstituteOrOperatorKey,
    PoolDep,
    SettingsDep,
    registered_firm,
)
from traintrack.matching.api.schemas import (
    CandidateProfile,
    FeedPage,
    WebhookAttempt,
    WebhookCreate,
    WebhookPublic,
    WebhookSecret,
)
from traintrack.matching.store import candidates, feed
from traintrack.matching.store import webhooks as store
from traintrack.platform.errors import NotFound, Rejected
from traintrack.platform.web.auth import Principal, Role

router = APIRouter(prefix="/v1", tags=["delivery"])
KEEP_ALIVE_SECONDS = 15.0
STREAM_POLL_SECONDS = 0.5
MAX_SEQ = 2**63 - 1  # feed numbers are PostgreSQL bigints


@router.get("/feed")
async def read_feed(
    pool: PoolDep,
    principal: FirmKey,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="The last `seq` you processed.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> FeedPage:
    """Candidates delivered, updated and withdrawn, and your offers' changes, in order.
    Entries are numbered 1, 2, 3 ... per firm without gaps; read on from `next_cursor`."""
    entries = await feed.entries(pool, principal.tenant, after, limit)
    return FeedPage(
        entries=entries,  # type: ignore[arg-type]
        next_cursor=entries[-1]["seq"] if entries else after,
        head=await feed.head(pool, principal.tenant),
    )


@router.get("/feed/stream", response_class=StreamingResponse)
async def stream_feed(
    request: Request,
    pool: PoolDep,
    principal: FirmKey,
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
            entries = await feed.entries(pool, principal.tenant, cursor, 100)
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


def _webhook(row: object) -> WebhookPublic:
    data = dict(row)  # type: ignore[call-overload]
    return WebhookPublic(**data, pending=data["feed_seq"] - data["delivered_seq"])


@router.post("/webhooks", status_code=status.HTTP_201_CREATED)
async def register_webhook(
    body: WebhookCreate, pool: PoolDep, principal: FirmKey, settings: SettingsDep
) -> WebhookSecret:
    """Have your feed POSTed to `url`, signed (`Traintrack-Signature: t=..,v1=..`, an
    HMAC-SHA256 of `<t>.<body>` with the secret returned here, once)."""
    if body.url.scheme != "https" and settings.environment != "development":
        raise Rejected("webhooks must use https", field="url")
    async with pool.acquire() as conn:
        await registered_firm(conn, principal)
        created = await webhooks.register(conn, principal.tenant, str(body.url), body.after)
    return WebhookSecret(**created)


async def _own(pool: PoolDep, principal: Principal, webhook_id: str) -> WebhookPublic:
    async with pool.acquire() as conn:
        row = await store.get(conn, webhook_id)
    if row is None or row["firm_id"] != principal.tenant:
        raise NotFound(f"webhook {webhook_id}")
    return _webhook(row)


@router.get("/webhooks")
async def list_webhooks(pool: PoolDep, principal: FirmKey) -> list[WebhookPublic]:
    """Your endpoints with their delivery status: cursor, pending entries, last attempt."""
    async with pool.acquire() as conn:
        return [_webhook(r) for r in await store.of_firm(conn, principal.tenant)]


@router.get("/webhooks/{webhook_id}/attempts")
async def webhook_attempts(
    webhook_id: str,
    pool: PoolDep,
    principal: FirmKey,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[WebhookAttempt]:
    """Every call made to the endpoint, newest first, with its status or error."""
    await _own(pool, principal, webhook_id)
    async with pool.acquire() as conn:
        return [WebhookAttempt(**dict(r)) for r in await store.attempts(conn, webhook_id, limit)]


@router.post("/webhooks/{webhook_id}/rotate-secret")
async def rotate_webhook_secret(
    webhook_id: str, pool: PoolDep, principal: FirmKey
) -> WebhookSecret:
    """A new secret; for 24 hours deliveries carry signatures with both."""
    await _own(pool, principal, webhook_id)
    async with pool.acquire() as conn:
        return WebhookSecret(webhook_id=webhook_id, secret=await webhooks.rotate(conn, webhook_id))


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_webhook(webhook_id: str, pool: PoolDep, principal: FirmKey) -> None:
    """Stop calling the endpoint (the feed itself stays readable)."""
    await _own(pool, principal, webhook_id)
    async with pool.acquire() as conn:
        await store.deactivate(conn, webhook_id)


@router.get("/candidates")
async def list_candidates(
    pool: PoolDep,
    principal: InstituteOrOperatorKey,
    minimum_stage: Annotated[int, Query(ge=0, le=4)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[CandidateProfile]:
    """The pool as this service knows it: an institute's own trainees (to apply to rounds
    for them), or everyone (operators). Firms receive candidates through their feed."""
    async with pool.acquire() as conn:
        rows = await candidates.listing(
            conn,
            institute_id=principal.tenant if principal.role is Role.INSTITUTE else None,
            minimum_stage=minimum_stage,
            limit=limit,
        )
    return [CandidateProfile(**candidates.profile(r)) for r in rows]


@router.get("/candidates/{trainee_id}")
async def candidate_profile(trainee_id: str, pool: PoolDep, principal: AnyKey) -> CandidateProfile:
    """A candidate's profile: firms only while they may see them, institutes their own."""
    async with pool.acquire() as conn:
        row = await candidates.get(conn, trainee_id)
        allowed = row is not None and (
            principal.role is Role.OPERATOR
            or (principal.role is Role.INSTITUTE and row["institute_id"] == principal.tenant)
            or (
                principal.role is Role.FIRM
                and (shown := await feed.disclosure(conn, principal.tenant, trainee_id)) is not None
                and shown["shown"]
            )
        )
    if not allowed or row is None:
        raise NotFound(f"candidate {trainee_id}")
    return CandidateProfile(**candidates.profile(row))
