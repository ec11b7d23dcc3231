"""Calling a firm's webhook endpoint: the batch as JSON, signed, within a total deadline."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
from opentelemetry import trace

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.domain import signatures

tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class Due:
    """A webhook leased for one call, and the feed entries to send it."""

    hook: Row
    entries: list[dict[str, Any]]


@dataclass(frozen=True)
class Sent:
    first_seq: int
    last_seq: int
    status_code: int | None  # None: no answer
    error: str | None
    duration_ms: int


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient, timeout_seconds: float) -> None:
        self._client = client
        self._timeout = timeout_seconds

    async def send(self, hook: Row, entries: list[dict[str, Any]]) -> Sent:
        """POST the entries (`Traintrack-Delivery` names their range, so a receiver can
        drop repeats); signed with the secret and, during a rotation, the previous one."""
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
                async with asyncio.timeout(self._timeout):
                    response = await self._client.post(hook["url"], content=body, headers=headers)
                status = response.status_code
                span.set_attribute("http.response.status_code", status)
            except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
        duration_ms = int((time.perf_counter() - started) * 1000)
        return Sent(first, last, status, error, duration_ms)
