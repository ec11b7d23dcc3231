"""What the dead-letter routes answer and take."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from traintrack.operations.domain.dead_letters import DeadLetter
from traintrack.platform.web.models import RequestModel, Text


class DeadLetterOut(BaseModel):
    ref: str
    topic: str
    partition: int
    offset: int
    consumer: str
    reason: str
    error_class: str
    original: str
    failed_at: datetime | None
    event_type: str | None
    event_id: str | None
    key: str | None
    status: str = Field(description="dead, replayed or discarded")

    @classmethod
    def of(cls, letter: DeadLetter, status: str) -> DeadLetterOut:
        fields = DeadLetterOut.model_fields.keys() - {"ref", "status"}
        return cls(**{k: getattr(letter, k) for k in fields}, ref=letter.ref, status=status)


class DeadLetterDetail(DeadLetterOut):
    value: str
    headers: dict[str, str]

    @classmethod
    def whole(cls, letter: DeadLetter, status: str) -> DeadLetterDetail:
        headers = {k: v.decode(errors="replace") for k, v in letter.headers}
        out = DeadLetterOut.of(letter, status).model_dump()
        return cls(**out, value=letter.value, headers=headers)


class Discard(RequestModel):
    reason: Text = Field(min_length=3, max_length=500, description="Why it is set aside.")
