"""What operators ask of the operations service. Each names the operator who asks."""

from __future__ import annotations

from dataclasses import dataclass

from traintrack.platform.web.auth import Principal


@dataclass(frozen=True)
class ReplayDeadLetter:
    """Send one dead letter's original record back to its topic (after a fix)."""

    topic: str
    partition: int
    offset: int
    operator: Principal


@dataclass(frozen=True)
class ReplayDeadLetters:
    """Replay every dead letter never repaired, of one DLQ topic or consumer, or all."""

    operator: Principal
    topic: str | None = None
    consumer: str | None = None


@dataclass(frozen=True)
class DiscardDeadLetter:
    """Set a dead letter aside for good, with the reason on record."""

    topic: str
    partition: int
    offset: int
    reason: str
    operator: Principal
