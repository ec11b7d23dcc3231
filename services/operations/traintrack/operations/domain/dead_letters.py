"""Dead letters and their repair. A dead letter is a record a consumer could not apply,
parked on its topic's DLQ with the reason. An operator replays it (after a fix: the
original goes back to its topic; consumers that applied it already skip it) or discards
it for good. Each repair is put on record; a letter's status is its latest repair."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from traintrack.platform.errors import Conflict, NotFound, Rejected

PREVIEW_BYTES = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # sorts letters without a failure time first
DEAD = "dead"


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    consumer: str
    reason: str
    error_class: str
    original: str  # topic/partition/offset
    failed_at: datetime | None
    event_type: str | None
    event_id: str | None
    key: str | None
    value: str  # the first PREVIEW_BYTES, decoded
    headers: list[tuple[str, bytes]] = field(repr=False, default_factory=list)
    raw_value: bytes = field(repr=False, default=b"")
    raw_key: bytes | None = field(repr=False, default=None)

    @property
    def ref(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"

    @property
    def original_topic(self) -> str:
        return self.original.split("/")[0]


class Repair(StrEnum):
    """What an operator did to a dead letter, as the audit log names it."""

    REPLAY = "dlq.replay"
    DISCARD = "dlq.discard"

    @property
    def status(self) -> str:
        return self.value.removeprefix("dlq.") + "ed"  # replayed, discarded


def statuses(repairs: Iterable[tuple[str, Repair]]) -> dict[str, str]:
    """Each repaired letter's status, from its repairs (ref, repair) in the order made."""
    return {ref: repair.status for ref, repair in repairs}


def chosen_topics(topic: str | None, dlqs: Collection[str]) -> list[str] | None:
    """A DLQ topic of the platform, or none (all of them)."""
    if topic is None:
        return None
    if topic not in dlqs:
        raise Rejected("not a dead-letter topic of the platform", field="topic")
    return [topic]


def check_place(topic: str, partition: int, offset: int, dlqs: Collection[str]) -> None:
    """A place that cannot hold a dead letter is not found, like an empty one."""
    if topic not in dlqs or partition < 0 or offset < 0:
        raise NotFound(f"dead letter {topic}/{partition}/{offset}")


def selected(
    letters: Iterable[DeadLetter],
    statuses: dict[str, str],
    *,
    consumer: str | None = None,
    status: str | None = None,
) -> list[tuple[DeadLetter, str]]:
    """The letters of `consumer` in `status` (either or both may be any), with their status."""
    found = [(d, statuses.get(d.ref, DEAD)) for d in letters]
    return [(d, s) for d, s in found if consumer in (None, d.consumer) and status in (None, s)]


def still_dead(
    letters: Iterable[DeadLetter], statuses: dict[str, str], *, consumer: str | None = None
) -> list[DeadLetter]:
    """The letters never repaired, of one consumer or all."""
    return [d for d in letters if d.ref not in statuses and consumer in (None, d.consumer)]


def check_discardable(letter: DeadLetter, statuses: dict[str, str]) -> None:
    if statuses.get(letter.ref) == Repair.DISCARD.status:
        raise Conflict(f"{letter.ref} is discarded already")


class DeadLetterQueue(Protocol):
    """The platform's dead-letter topics, as the handlers and views use them."""

    @property
    def topics(self) -> list[str]: ...

    async def read(self, topics: list[str] | None = None) -> list[DeadLetter]: ...

    async def find(self, topic: str, partition: int, offset: int) -> DeadLetter | None: ...

    async def resend(self, letter: DeadLetter) -> None: ...


async def locate(queue: DeadLetterQueue, topic: str, partition: int, offset: int) -> DeadLetter:
    """The dead letter at a place of the platform's DLQs, or NotFound."""
    check_place(topic, partition, offset, queue.topics)
    found = await queue.find(topic, partition, offset)
    if found is None:
        raise NotFound(f"dead letter {topic}/{partition}/{offset}")
    return found
