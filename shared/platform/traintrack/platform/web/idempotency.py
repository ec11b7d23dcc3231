"""`Idempotency-Key` on changing requests (draft-ietf-httpapi-idempotency-key-header).

A client that timed out, or whose server died mid-request, cannot know whether its POST
took effect. Sent again with the same key, it gets the first answer back instead of a
second trainee, enrollment or report. Every POST, PUT, PATCH and DELETE takes one; no
route reads it (`web.keyed` does, and `bus.MessageBus` claims it). The key is claimed and
the answer stored in the transaction of the effect itself: a request that crashed before
committing left nothing, and a concurrent twin waits on the claim and then reads the
answer. Keys are scoped to the caller's role and tenant and to the route; reusing one for
another body is a 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from fastapi.responses import JSONResponse, Response

from traintrack.platform.db import Connection
from traintrack.platform.errors import Rejected

JSON = "application/json"
HEADER = "Idempotency-Key"
KEEP_HOURS = 24

REPLAYED = "Idempotent-Replayed"
KEY_PATTERN = r"^[\x21-\x7e]+$"  # printable ASCII, no space

PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": KEY_PATTERN},
    "description": "Any unique string (a UUID, say): a retry with the same key returns the "
    "first answer (with `Idempotent-Replayed: true`) instead of acting twice; the same key "
    "with another body is refused (422). Kept for 24 hours.",
}


@dataclass(frozen=True)
class Claim:
    """An `Idempotency-Key` as sent: its caller's scope, the key and the body's fingerprint."""

    scope: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    """The first answer given under a key, replayed to every retry. `body` is the JSON
    answer (None when empty), or the text of an answer of another `media_type`."""

    status: int
    body: Any
    media_type: str | None = None

    def response(self) -> Response:
        headers = {REPLAYED: "true"}
        if self.body is None:
            return Response(None, self.status, headers)
        if isinstance(self.body, str) and self.media_type is not None:
            return Response(self.body, self.status, headers, self.media_type)
        return JSONResponse(self.body, self.status, headers, self.media_type)

    @classmethod
    def of(cls, status: int, headers: Mapping[str, str], body: bytes) -> Answer:
        """The answer a route gave, as it is kept."""
        media_type = headers.get("content-type", "")
        if "no-store" in headers.get("cache-control", ""):
            return cls.shown_once()
        if not body:
            return cls(status, None)
        essence = media_type.split(";")[0].strip()
        if essence.endswith("json"):  # application/problem+json stays what it was
            return cls(status, json.loads(body), None if essence == JSON else essence)
        return cls(status, body.decode("utf-8", "replace"), media_type)

    @classmethod
    def shown_once(cls) -> Answer:
        """What a retry hears of an answer not to be kept (`Cache-Control: no-store`: a
        secret shown once): the request was applied, and its answer is not kept anywhere."""
        detail = (
            "this request was applied; its answer held a secret, shown once and not kept: "
            "ask for a new one (rotate it)"
        )
        body = {"type": "about:blank", "title": "Conflict", "status": 409, "detail": detail}
        return cls(409, body, "application/problem+json")


def fingerprint(query: bytes, body: bytes) -> str:
    """The request's fingerprint: its query and its body, JSON in a canonical form (the same
    object sent with other spacing or key order is the same request)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(query + b"?" + canonical).hexdigest()


async def claim(conn: Connection, claimed: Claim) -> Answer | None:
    """Claim the key in the caller's transaction: None the first time, else the first
    answer (a concurrent twin waits on the claim, then reads it)."""
    first = None
    while first is None:  # a key purged between the claim and the read: claim it again
        fresh = await conn.fetchval(
            """INSERT INTO idempotency_keys (scope, key, fingerprint, status, body)
               VALUES ($1, $2, $3, 0, 'null') ON CONFLICT DO NOTHING RETURNING true""",
            claimed.scope,
            claimed.key,
            claimed.fingerprint,
        )
        if fresh:
            return None
        first = await conn.fetchrow(
            """SELECT fingerprint, status, body, media_type FROM idempotency_keys
               WHERE scope = $1 AND key = $2""",
            claimed.scope,
            claimed.key,
        )
    if first["fingerprint"] != claimed.fingerprint:
        raise Rejected("this Idempotency-Key was used for a different request body", field=HEADER)
    return Answer(first["status"], first["body"], first["media_type"])


async def remember(conn: Connection, claimed: Claim, answer: Answer) -> None:
    """Keep the answer for retries, in the transaction of the effect."""
    await conn.execute(
        """UPDATE idempotency_keys SET status = $3, body = COALESCE($4, 'null'::jsonb),
               media_type = $5
           WHERE scope = $1 AND key = $2""",
        claimed.scope,
        claimed.key,
        answer.status,
        answer.body,
        answer.media_type,
    )


async def forget_old(pool: asyncpg.Pool) -> int:
    """Drop keys older than a day (run now and then by the API)."""
    done = await pool.execute(
        f"DELETE FROM idempotency_keys WHERE created_at < now() - interval '{KEEP_HOURS} hours'"
    )
    return int(done.split()[-1])
