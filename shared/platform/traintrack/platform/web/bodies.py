"""Reading a request body whole in ASGI middleware and handing it on unchanged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Receive = Callable[[], Awaitable[Any]]


async def read_whole(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (BodyLimit, outside, bounds it), and a `receive` that gives it again."""
    messages, chunks = [], []
    while True:
        message = await receive()
        messages.append(message)
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    replay = iter(messages)

    async def replayed() -> Any:
        return next(replay, None) or await receive()

    return b"".join(chunks), replayed
