"""Firms' webhook endpoints and every attempt to call them."""

from __future__ import annotations

from datetime import datetime

from traintrack.matching.adapters.mapping import Row
from traintrack.platform.db import Connection

_PUBLIC = """SELECT h.webhook_id, h.firm_id, h.url, h.delivered_seq, h.active, h.failures,
                    h.next_attempt_at, h.created_at, f.feed_seq, a.status_code AS last_status,
                    a.error AS last_error, a.attempted_at AS last_attempt_at
             FROM webhooks h JOIN firms f USING (firm_id)
             LEFT JOIN LATERAL (SELECT status_code, error, attempted_at FROM webhook_attempts
                                WHERE webhook_id = h.webhook_id
                                ORDER BY attempt_id DESC LIMIT 1) a ON true"""


class WebhookRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(
        self, *, webhook_id: str, firm_id: str, url: str, secret: str, after: int
    ) -> None:
        await self._conn.execute(
            """INSERT INTO webhooks (webhook_id, firm_id, url, secret, delivered_seq)
               VALUES ($1, $2, $3, $4, $5)""",
            webhook_id,
            firm_id,
            url,
            secret,
            after,
        )

    async def get(self, webhook_id: str) -> Row | None:
        row: Row | None = await self._conn.fetchrow(
            f"{_PUBLIC} WHERE h.webhook_id = $1", webhook_id
        )
        return row

    async def of_firm(self, firm_id: str | None) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            f"{_PUBLIC} WHERE $1::text IS NULL OR h.firm_id = $1 ORDER BY h.webhook_id", firm_id
        )
        return rows

    async def rotate(self, webhook_id: str, secret: str, previous_until: datetime) -> None:
        await self._conn.execute(
            """UPDATE webhooks SET previous_secret = secret, secret = $2, previous_until = $3
               WHERE webhook_id = $1""",
            webhook_id,
            secret,
            previous_until,
        )

    async def deactivate(self, webhook_id: str) -> None:
        await self._conn.execute(
            "UPDATE webhooks SET active = false WHERE webhook_id = $1", webhook_id
        )

    async def claim_due(self, limit: int) -> list[Row]:
        """Lease the webhooks with undelivered entries whose next attempt is due; one caller
        per webhook at a time, however many API processes run."""
        rows: list[Row] = await self._conn.fetch(
            """UPDATE webhooks w SET lease_until = now() + interval '2 minutes'
               FROM (SELECT h.webhook_id FROM webhooks h JOIN firms f USING (firm_id)
                     WHERE h.active AND h.next_attempt_at <= now()
                       AND (h.lease_until IS NULL OR h.lease_until < now())
                       AND f.feed_seq > h.delivered_seq
                     ORDER BY h.next_attempt_at LIMIT $1 FOR UPDATE OF h SKIP LOCKED) due
               WHERE w.webhook_id = due.webhook_id
               RETURNING w.*""",
            limit,
        )
        return rows

    async def record_attempt(
        self,
        *,
        webhook_id: str,
        first_seq: int,
        last_seq: int,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
        delivered: bool,
        backoff_seconds: float,
        lease: datetime,
    ) -> None:
        """Record the attempt; the webhook moves on only if this caller still holds its lease
        (one that took too long lost it, and another caller owns the webhook now)."""
        await self._conn.execute(
            """INSERT INTO webhook_attempts (webhook_id, first_seq, last_seq, status_code,
                                             error, duration_ms)
               VALUES ($1, $2, $3, $4, $5, $6)""",
            webhook_id,
            first_seq,
            last_seq,
            status_code,
            error,
            duration_ms,
        )
        if delivered:
            await self._conn.execute(
                """UPDATE webhooks SET delivered_seq = greatest(delivered_seq, $2),
                       failures = 0, next_attempt_at = now(), lease_until = NULL
                   WHERE webhook_id = $1 AND lease_until = $3""",
                webhook_id,
                last_seq,
                lease,
            )
        else:
            await self._conn.execute(
                """UPDATE webhooks SET failures = failures + 1, lease_until = NULL,
                       next_attempt_at = now() + make_interval(secs => $2)
                   WHERE webhook_id = $1 AND lease_until = $3""",
                webhook_id,
                backoff_seconds,
                lease,
            )

    async def attempts(self, webhook_id: str, limit: int) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            """SELECT attempt_id, first_seq, last_seq, status_code, error, duration_ms, attempted_at
               FROM webhook_attempts WHERE webhook_id = $1 ORDER BY attempt_id DESC LIMIT $2""",
            webhook_id,
            limit,
        )
        return rows
