"""Idempotency-Key answers, kept in the transaction of the effect they answer."""

from __future__ import annotations

from pydantic import BaseModel

from traintrack.platform.db import Connection
from traintrack.platform.web import idempotency
from traintrack.platform.web.idempotency import Answer, Claim


class IdempotencyKeys:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def claim(self, claimed: Claim) -> Answer | None:
        return await idempotency.claim(self._conn, claimed)

    async def remember(self, claimed: Claim, status: int, answer: BaseModel) -> None:
        await idempotency.remember(
            self._conn, claimed, Answer(status, answer.model_dump(mode="json"))
        )
