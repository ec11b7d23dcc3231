"""One re-decision of one enrollment, as a pure function: the decisions to append to its
history and the steps to announce, in the order a consumer must hear them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from traintrack.evaluation.domain.certification import (
    CredentialState,
    Issue,
    RevokeForBasis,
    certification_step,
)
from traintrack.evaluation.domain.decisions import Assessment, Observation, StageDecision, decide
from traintrack.evaluation.domain.enrollment import EnrollmentFacts, standing_evidence
from traintrack.evaluation.domain.history import StageChange, stage_changes, to_record
from traintrack.evaluation.domain.scheme import Scheme

Step = RevokeForBasis | StageChange | Issue


@dataclass(frozen=True)
class Review:
    decisions: list[StageDecision]  # the current state after this review
    recorded: list[StageDecision]  # appended to the history
    steps: list[Step]  # in outbox order


def review(
    scheme: Scheme,
    facts: EnrollmentFacts,
    observations: Iterable[Observation],
    assessments: Iterable[Assessment],
    current: Mapping[int, StageDecision],
    credential: CredentialState | None,
) -> Review:
    decisions = decide(scheme, [*observations, *standing_evidence(facts)], assessments)
    step = certification_step(decisions, credential)
    steps: list[Step] = []
    # A firm that received the candidate hears the revocation before the withdrawals that
    # caused it, and a new pass of the last stage before the credential it earns.
    if isinstance(step, RevokeForBasis):
        steps.append(step)
    steps += stage_changes(current, decisions)
    if isinstance(step, Issue):
        steps.append(step)
    return Review(decisions, to_record(current, decisions), steps)
