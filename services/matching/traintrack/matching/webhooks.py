"""Webhook delivery: each firm's feed, in order, to each of its endpoints, signed.

At least once and in order: an endpoint's cursor moves only after a 2xx for the whole
batch, so a receiver sees each entry at least once and can drop repeats by `seq`
(the `Traintrack-Delivery` header names the range). Failures back off exponentially
(with jitter, capped) and every attempt is kept for the firm to read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
import time
import uuid

import asyncpg
import httpx
from opentelemetry import trace

from traintrack.matching.domain import signatures
from traintrack.matching.settings import MatchingSettings
from traintrack.matching.store import feed
from traintrack.matching.store import webhooks as store

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
ROTATION_GRACE_HOURS = 24


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


async def register(conn: asyncpg.Connection, firm_id: str, url: str, after: int) -> dict[str, str]:
    webhook_id = f"wh-{uuid.uuid4().hex[:12]}"
    secret = new_secret()
    await store.add(
        conn, webhook_id=webhook_id, firm_id=firm_id, url=url, secret=secret, after=after
    )
    return {"webhook_id": webhook_id, "secret": secret}


async def rotate(conn: asyncpg.Connection, webhook_id: str) -> str:
    """A new secret; the old one keeps signing beside it for a day, so a receiver can
    switch over without refusing a delivery."""
    secret = new_secret()
    await store.rotate(conn, webhook_id, secret, ROTATION_GRACE_HOURS)
    return secret


def backoff(failures: int, cap: float) -> float:
    return float(min(cap, 2 ** min(failures, 20)) * random.uniform(0.5, 1.0))


async def deliver_one(
    pool: asyncpg.Pool, client: httpx.AsyncClient, hook: asyncpg.Record, settings: MatchingSettings
) -> bool:
    entries = await feed.entries(
        pool, hook["firm_id"], hook["delivered_seq"], settings.webhook_batch
    )
    if not entries:
        return True
    first, last = entries[0]["seq"], entries[-1]["seq"]
    body = json.dumps(
        {"webhook_id": hook["webhook_id"], "firm_id": hook["firm_id"], "entries": entries}
    ).encode()
    keys = [hook["secret"], *([hook["grace_secret"]] if hook["grace_secret"] else [])]
    headers = {
        "Content-Type": "application/json",
        signatures.HEADER: signatures.header(keys, int(time.time()), body),
        "Traintrack-Delivery": f"{hook['webhook_id']}:{first}-{last}",
    }
    status, error = None, None
    started = time.perf_counter()
    with tracer.start_as_current_span(
        "webhook deliver",
        kind=trace.SpanKind.CLIENT,
        attributes={
            "traintrack.firm_id": hook["firm_id"],
            "traintrack.webhook_id": hook["webhook_id"],
            "traintrack.feed.first_seq": first,
            "traintrack.feed.last_seq": last,
        },
    ) as span:
        try:
            # A total deadline (httpx's timeout is per phase), well inside the lease.
            async with asyncio.timeout(settings.webhook_timeout_seconds):
                response = await client.post(hook["url"], content=body, headers=headers)
            status = response.status_code
            span.set_attribute("http.response.status_code", status)
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    delivered = status is not None and 200 <= status < 300
    if status is not None and not delivered:
        error = f"HTTP {status}"
    await store.record_attempt(
        pool,
        webhook_id=hook["webhook_id"],
        first_seq=first,
        last_seq=last,
        status_code=status,
        error=error,
        duration_ms=int((time.perf_counter() - started) * 1000),
        delivered=delivered,
        backoff_seconds=backoff(hook["failures"] + 1, settings.webhook_max_backoff_seconds),
        lease=hook["lease_until"],
    )
    return delivered


async def dispatch_once(
    pool: asyncpg.Pool, client: httpx.AsyncClient, settings: MatchingSettings
) -> int:
    hooks = await store.claim_due(pool, limit=20)
    results = await asyncio.gather(*(deliver_one(pool, client, h, settings) for h in hooks))
    return sum(results)


async def run_dispatcher(pool: asyncpg.Pool, settings: MatchingSettings) -> None:
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds) as client:
        while True:
            try:
                busy = await dispatch_once(pool, client, settings)
            except Exception:  # a background loop: it must outlive any one failure
                log.exception("webhook dispatch failed; trying again")
                busy = 0
            if not busy:
                await asyncio.sleep(settings.dispatch_interval_seconds)
