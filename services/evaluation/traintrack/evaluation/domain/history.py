"""Stage history: every decision is kept; the current state is the latest per stage.

A re-decision appends what differs from the current state (status, attempt, attempts left,
scheme version, score, what is missing or short), and announces what a consumer must
hear: a new pass, a new failure, a pass that no longer holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from traintrack.evaluation.domain.decisions import StageDecision, Status


def to_record(
    current: Mapping[int, StageDecision], decided: list[StageDecision]
) -> list[StageDecision]:
    """The decisions to append: those that are new or differ from the current ones."""
    return [d for d in decided if current.get(d.stage) != d]


@dataclass(frozen=True)
class StageChange:
    kind: Literal["passed", "failed", "withdrawn"]
    decision: StageDecision


def stage_changes(
    current: Mapping[int, StageDecision], decided: list[StageDecision]
) -> list[StageChange]:
    changes = []
    for decision in decided:
        old = current.get(decision.stage)
        same = old is not None and (old.status, old.attempt) == (decision.status, decision.attempt)
        if decision.status is Status.PASSED and not same:
            changes.append(StageChange("passed", decision))
        elif decision.status is Status.FAILED and not same:
            changes.append(StageChange("failed", decision))
        if old is not None and old.status is Status.PASSED and decision.status is not Status.PASSED:
            changes.append(StageChange("withdrawn", decision))
    return changes
