"""The operations unit of work without Kafka or PostgreSQL: dead letters in a dict, the
repair log in a list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.utils.fakes import FakeUnitOfWork
from traintrack.operations.domain.dead_letters import DeadLetter, Repair
from traintrack.platform.web.auth import Principal, Role

DLQS = ["institute.submissions.v1.dlq", "enrollment.events.v1.dlq"]
OPERATOR = Principal(key_id="op1", role=Role.OPERATOR, tenant="platform")


def letter(
    topic: str = DLQS[0], partition: int = 0, offset: int = 0, *, consumer: str = "enrollment"
) -> DeadLetter:
    original = topic.removesuffix(".dlq")
    return DeadLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        consumer=consumer,
        reason="unknown key",
        error_class="Rejected",
        original=f"{original}/{partition}/{offset + 40}",
        failed_at=datetime(2026, 3, 2, 9, offset, tzinfo=UTC),
        event_type="traintrack.institute.attendance-submitted.v1",
        event_id=f"ev-{offset}",
        key="tr-1",
        value="{}",
        headers=[("dlq-reason", b"unknown key"), ("ce_id", f"ev-{offset}".encode())],
        raw_value=b"{}",
        raw_key=b"tr-1",
    )


class FakeDeadLetters:
    def __init__(self, *letters: DeadLetter) -> None:
        self.letters = {d.ref: d for d in letters}
        self.topics = list(DLQS)
        self.resent: list[str] = []  # refs, in the order sent back
        self.read_topics: list[list[str] | None] = []

    async def read(self, topics: list[str] | None = None) -> list[DeadLetter]:
        self.read_topics.append(topics)
        return [d for d in self.letters.values() if topics is None or d.topic in topics]

    async def find(self, topic: str, partition: int, offset: int) -> DeadLetter | None:
        return self.letters.get(f"{topic}/{partition}/{offset}")

    async def resend(self, letter: DeadLetter) -> None:
        self.resent.append(letter.ref)


class FakeRepairLog:
    def __init__(self, *made: tuple[str, Repair]) -> None:
        # (ref, repair, key id of the operator, detail), in the order made
        self.records: list[tuple[str, Repair, str, dict[str, Any]]] = [
            (ref, repair, "earlier", {}) for ref, repair in made
        ]

    async def repairs(self) -> list[tuple[str, Repair]]:
        return [(ref, repair) for ref, repair, _, _ in self.records]

    async def record(
        self, repair: Repair, letter: DeadLetter, *, by: Principal, detail: dict[str, Any]
    ) -> None:
        self.records.append((letter.ref, repair, by.key_id, detail))


class FakeOperationsUnitOfWork(FakeUnitOfWork):
    def __init__(self, *letters: DeadLetter, repairs: FakeRepairLog | None = None) -> None:
        super().__init__()
        self.dead_letters = FakeDeadLetters(*letters)
        self.repairs = repairs or FakeRepairLog()
