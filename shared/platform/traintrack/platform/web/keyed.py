"""Every changing request is put in hand for the bus (`web.in_hand`); one sent with an
`Idempotency-Key` is fingerprinted, and its answer held back until the unit of work the
bus left open has kept it beside the effect and committed. The client hears of a success
only once it is durable; if the commit fails it hears 503, and its retry with the same
key either finds the answer kept or does the work, never both."""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.requests import Request as StarletteRequest

from traintrack.platform import bus
from traintrack.platform.web import in_hand, problems
from traintrack.platform.web.bodies import read_whole
from traintrack.platform.web.idempotency import HEADER, KEY_PATTERN, Answer, fingerprint

log = logging.getLogger(__name__)
_KEY = re.compile(KEY_PATTERN)
_HEADER = HEADER.lower().encode()


class KeyedRequests:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in in_hand.CHANGING:
            await self.app(scope, receive, send)
            return
        request = in_hand.Request(scope)
        keys = [v for k, v in scope.get("headers") or [] if k.lower() == _HEADER]
        token = in_hand.enter(request)
        try:
            if not keys:
                await self.app(scope, receive, send)
                return
            key = keys[0].decode("latin-1")
            if len(keys) > 1 or not 1 <= len(key) <= 200 or not _KEY.match(key):
                await _refuse_key(scope, receive, send)
                return
            body, receive = await read_whole(receive)
            request.key = key
            request.fingerprint = fingerprint(scope.get("query_string", b""), body)
            await self._keyed(request, scope, receive, send)
        finally:
            in_hand.leave(token)

    async def _keyed(self, request: in_hand.Request, scope: Any, receive: Any, send: Any) -> None:
        held: list[dict[str, Any]] = []

        async def hold(message: dict[str, Any]) -> None:
            held.append(message)

        try:
            await self.app(scope, receive, hold)
        except BaseException:
            await bus.finish(request, 500, None)  # roll back, give the connection back
            raise
        if request.pending is not None:
            try:
                await bus.finish(request, *_answer_of(held))
            except Exception as error:
                # Outside the app's exception handlers: answered here as they would (an
                # event too large for the outbox, a lost race, the database gone), all
                # rolled back, so the client's retry does the work.
                refusal = await problems.answer_to(StarletteRequest(scope), error)
                if refusal is None:
                    raise
                log.warning("the answer to %s was not committed: %r", request.action, error)
                await refusal(scope, receive, send)
                return
        for message in held:
            await send(message)


def _answer_of(held: list[dict[str, Any]]) -> tuple[int, Answer]:
    start = held[0]
    status = int(start["status"])
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in held[1:])
    return status, Answer.of(status, headers, body)


async def _refuse_key(scope: Any, receive: Any, send: Any) -> None:
    message = "one key of 1 to 200 printable ASCII characters, no spaces"
    response = problems.problem(
        422,
        "Invalid request",
        f"invalid field(s): {HEADER}",
        errors=[{"field": HEADER, "in": "header", "message": message}],
    )
    await response(scope, receive, send)
