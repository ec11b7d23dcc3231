"""`Idempotency-Key` on creating requests (draft-ietf-httpapi-idempotency-key-header).

A client that timed out, or whose server died mid-request, cannot know whether its POST
took effect. Sent again with the same key, it gets the first answer back instead of a
second trainee, enrollment or report. The key is claimed and the answer stored in the
transaction of the effect itself: a request that crashed before committing left nothing,
and a concurrent twin waits on the claim and then reads the answer. Keys are scoped to
the caller's role and tenant and to the route; reusing one for another body is a 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from traintrack.platform.db import Connection
from traintrack.platform.errors import Rejected

HEADER = "Idempotency-Key"
KEEP_HOURS = 24

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique string (a UUID, say): a retry with the same key returns "
        "the first answer instead of acting twice. Kept for 24 hours.",
    ),
]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Claim:
    """An `Idempotency-Key` as sent: its caller's scope, the key and the body's fingerprint.
    A command carries it, so a handler claims the key in its own unit of work."""

    scope: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    """The first answer given under a key, replayed to every retry."""

    status: int
    body: Any

    def response(self) -> JSONResponse:
        return JSONResponse(
            self.body, status_code=self.status, headers={"Idempotent-Replayed": "true"}
        )


def _scope(request: Request) -> str:
    principal = request.state.principal
    return f"{principal.role}:{principal.tenant} {request.method} {request.url.path}"


def _fingerprint(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim_of(request: Request, key: str | None, body: BaseModel) -> Claim | None:
    return None if key is None else Claim(_scope(request), key, _fingerprint(body))


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
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2",
            claimed.scope,
            claimed.key,
        )
    if first["fingerprint"] != claimed.fingerprint:
        raise Rejected("this Idempotency-Key was used for a different request body", field=HEADER)
    return Answer(first["status"], first["body"])


async def remember(conn: Connection, claimed: Claim, answer: Answer) -> None:
    """Keep the answer for retries, in the transaction of the effect."""
    await conn.execute(
        "UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2",
        claimed.scope,
        claimed.key,
        answer.status,
        answer.body,
    )


async def once(
    request: Request,
    conn: Connection,
    key: str | None,
    body: BaseModel,
    act: Callable[[], Awaitable[M]],
    *,
    status: int = 201,
) -> M | JSONResponse:
    """`act()` in the caller's transaction, unless `key` was used before: then its answer."""
    claimed = claim_of(request, key, body)
    if claimed is None:
        return await act()
    first = await claim(conn, claimed)
    if first is not None:
        return first.response()
    answer = await act()
    await remember(conn, claimed, Answer(status, answer.model_dump(mode="json")))
    return answer


async def forget_old(pool: asyncpg.Pool) -> int:
    """Drop keys older than a day (run now and then by the API)."""
    done = await pool.execute(
        f"DELETE FROM idempotency_keys WHERE created_at < now() - interval '{KEEP_HOURS} hours'"
    )
    return int(done.split()[-1])
