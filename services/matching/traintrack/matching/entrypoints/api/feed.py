"""Delivery to firms: the feed by cursor, and a live server-sent-events stream of it
(webhooks deliver the same feed: `webhooks.py`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from traintrack.matching.entrypoints.api.deps import (
    FirmKey,
    Views,
)
from traintrack.matching.entrypoints.api.schemas import (
    FeedPage,
)
from traintrack.platform.polling import untraced

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
            # Untraced: twice a second for as long as the firm stays connected, the polls
            # would grow the request's trace without end (what they find is in the stream).
            with untraced():
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
