"""Domain -> event contracts: what the evaluation service announces, each about one
enrollment (`traintrack.contracts.evaluation`, version 2 of each type)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from traintrack.contracts import evaluation as contracts
from traintrack.contracts.base import EventData
from traintrack.evaluation.domain.access import Side
from traintrack.evaluation.domain.certification import Cause
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.history import StageChange
from traintrack.evaluation.domain.scheme import Scheme


def about(facts: EnrollmentFacts) -> dict[str, Any]:
    """The fields every evaluation event carries."""
    return {
        "trainee_id": facts.trainee_id,
        "enrollment_id": facts.enrollment_id,
        "cohort_id": facts.cohort_id,
    }


def assessment_recorded(
    facts: EnrollmentFacts,
    *,
    stage: int,
    attempt: int,
    evidence: str,
    value: float,
    side: Side,
    at: datetime,
) -> contracts.AssessmentRecorded:
    return contracts.AssessmentRecorded(
        **about(facts),
        stage=stage,
        attempt=attempt,
        evidence=evidence,
        value=value,
        side=side,
        recorded_at=at,
    )


def stage_event(
    change: StageChange, facts: EnrollmentFacts, scheme: Scheme, at: datetime
) -> EventData:
    d = change.decision
    common: dict[str, Any] = {
        **about(facts),
        "scheme_id": scheme.scheme_id,
        "scheme_version": scheme.version,
        "decided_at": at,
        "stage": d.stage,
    }
    if change.kind == "passed":
        stage = scheme.stage(d.stage)
        return contracts.StagePassed(
            **common, stage_name=stage.name, attempt=d.attempt, unlocks=list(stage.unlocks)
        )
    if change.kind == "failed":
        return contracts.StageFailed(
            **common,
            attempt=d.attempt,
            attempts_left=d.attempts_left,
            shortfalls=list(d.shortfalls),
        )
    return contracts.StagePassWithdrawn(**common)


def certified(
    facts: EnrollmentFacts,
    scheme: Scheme,
    *,
    credential_id: str,
    programme_id: str,
    issued_at: datetime,
    valid_until: datetime,
) -> contracts.Certified:
    return contracts.Certified(
        **about(facts),
        credential_id=credential_id,
        programme_id=programme_id,
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        issued_at=issued_at,
        valid_until=valid_until,
    )


def revoked(
    facts: EnrollmentFacts, credential_id: str, *, cause: Cause, reason: str, at: datetime
) -> contracts.CertificationRevoked:
    return contracts.CertificationRevoked(
        **about(facts), credential_id=credential_id, cause=cause, reason=reason, revoked_at=at
    )


def reinstated(
    facts: EnrollmentFacts, credential_id: str, *, reason: str, at: datetime
) -> contracts.CertificationReinstated:
    return contracts.CertificationReinstated(
        **about(facts), credential_id=credential_id, reason=reason, reinstated_at=at
    )
