"""Calling a firm's webhook endpoint: the batch as JSON, signed as Standard Webhooks
(standardwebhooks.com), to the address the guard checked, within a total deadline, reading
at most a bounded answer."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from opentelemetry import trace
from standardwebhooks import Webhook

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.adapters.outbound import Destination, OutboundGuard
from traintrack.matching.domain.deliveries import signing_secrets
from traintrack.matching.domain.destinations import Refused

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
Clock = Callable[[], datetime]


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


def http_client(
    *, timeout_seconds: float, connect_timeout_seconds: float, transport: Any = None
) -> httpx.AsyncClient:
    """The client webhooks go out on. No redirects (a 3xx is a failed delivery: following
    one would go where no check went), and no proxy from the environment (it would make
    the connection instead of us, to wherever it likes)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds, connect=connect_timeout_seconds),
        follow_redirects=False,
        trust_env=False,
        transport=transport,
    )


def signed_headers(message_id: str, secrets: list[str], at: datetime, body: str) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp`, and one `v1,<base64>` signature per secret,
    space-separated (a rotation's old and new secrets, as the spec allows)."""
    signatures = [Webhook(s).sign(message_id, at, body) for s in secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


class WebhookSender:
    def __init__(
        self,
        client: httpx.AsyncClient,
        guard: OutboundGuard,
        *,
        timeout_seconds: float,
        max_response_bytes: int,
        clock: Clock,
    ) -> None:
        self._client = client
        self._guard = guard
        self._timeout = timeout_seconds
        self._max_response_bytes = max_response_bytes
        self._clock = clock

    async def send(self, hook: Row, entries: list[dict[str, Any]]) -> Sent:
        """POST the entries; `webhook-id` names their range, the same on every retry, so a
        receiver can drop repeats. A destination that now leads inward is not called."""
        first, last = entries[0]["seq"], entries[-1]["seq"]
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
                    destination = await self._guard.check(hook["url"])
                    status = await self._post(destination, hook, entries)
                span.set_attribute("http.response.status_code", status)
            except Refused as exc:
                error = f"refused: {exc}"
            except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            except Exception as exc:  # a failed attempt, never a wedged webhook
                # E.g. a secret no Standard Webhooks library can decode (one issued before
                # secrets were `whsec_` + standard base64): recorded, retried with backoff,
                # until the firm rotates it.
                log.exception("webhook %s: attempt failed", hook["webhook_id"])
                span.record_exception(exc)
                error = f"{type(exc).__name__}: {exc}"[:500]
        duration_ms = int((time.perf_counter() - started) * 1000)
        return Sent(first, last, status, error, duration_ms)

    async def _post(
        self, destination: Destination, hook: Row, entries: list[dict[str, Any]]
    ) -> int:
        body = json.dumps(
            {"webhook_id": hook["webhook_id"], "firm_id": hook["firm_id"], "entries": entries}
        )
        now = self._clock()
        secrets = signing_secrets(
            hook["secret"], hook["previous_secret"], hook["previous_until"], now
        )
        message_id = f"{hook['webhook_id']}:{entries[0]['seq']}-{entries[-1]['seq']}"
        url = httpx.URL(hook["url"])
        headers = {
            "Host": url.netloc.decode("ascii"),  # the name, though the address is pinned
            "Content-Type": "application/json",
            **signed_headers(message_id, secrets, now, body),
        }
        async with self._client.stream(
            "POST",
            url.copy_with(host=str(destination.address)),
            content=body.encode(),
            headers=headers,
            extensions={"sni_hostname": url.host},  # TLS checks the name, not the address
        ) as response:
            await self._read_at_most(response)
            return response.status_code

    async def _read_at_most(self, response: httpx.Response) -> None:
        """The answer is not used; read a little of it (the connection can be reused),
        never all of an endless one."""
        seen = 0
        async for chunk in response.aiter_raw():
            seen += len(chunk)
            if seen >= self._max_response_bytes:
                break
