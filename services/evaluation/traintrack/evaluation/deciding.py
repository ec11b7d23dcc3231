"""Re-deciding one enrollment: load its facts, evidence, history and latest credential,
review them (pure), append the history and announce each step in order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from traintrack.contracts import evaluation as contracts
from traintrack.contracts.base import EventData
from traintrack.evaluation import records, store
from traintrack.evaluation.credentials import Signer
from traintrack.evaluation.domain.certification import Issue, RevokeForBasis
from traintrack.evaluation.domain.decisions import StageDecision
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.history import StageChange
from traintrack.evaluation.domain.review import Step, review
from traintrack.evaluation.domain.scheme import Scheme
from traintrack.platform.errors import NotFound
from traintrack.platform.messaging import outbox

SOURCE = "/traintrack/evaluation"
CREDENTIAL_VALIDITY = timedelta(days=3 * 365)


async def emit(conn: asyncpg.Connection, events: list[EventData]) -> None:
    await outbox.add_events(conn, events, source=SOURCE)


def now() -> datetime:
    return datetime.now(UTC)


def about(facts: EnrollmentFacts) -> dict[str, Any]:
    """The fields every evaluation event carries."""
    return {
        "trainee_id": facts.trainee_id,
        "enrollment_id": facts.enrollment_id,
        "cohort_id": facts.cohort_id,
    }


async def re_decide(
    conn: asyncpg.Connection, enrollment_id: str, signer: Signer, *, trigger: str
) -> list[StageDecision]:
    """Decide the enrollment again under its cohort's pinned scheme version."""
    facts = await store.enrollment_facts(conn, enrollment_id, lock=True)
    if facts is None:
        raise NotFound(f"enrollment {enrollment_id}")
    scheme = await store.scheme_for_cohort(conn, facts.cohort_id)
    observations, assessments = await store.evidence_of(conn, enrollment_id)
    result = review(
        scheme,
        facts,
        observations,
        assessments,
        await records.current_decisions(conn, enrollment_id),
        await records.latest_credential(conn, enrollment_id),
    )
    await records.append_decisions(conn, facts, result.recorded, trigger=trigger)
    at = now()
    announced = [await _announce(conn, step, facts, scheme, signer, at) for step in result.steps]
    await emit(conn, [event for event in announced if event is not None])
    return result.decisions


async def _announce(
    conn: asyncpg.Connection,
    step: Step,
    facts: EnrollmentFacts,
    scheme: Scheme,
    signer: Signer,
    at: datetime,
) -> EventData | None:
    """The step's event; None for a revocation that changed nothing (revoked already)."""
    if isinstance(step, StageChange):
        return _stage_event(step, facts, scheme, at)
    if isinstance(step, RevokeForBasis):
        if not await records.revoke_for_basis(conn, step.credential_id, reason=step.reason, at=at):
            return None
        return contracts.CertificationRevoked(
            **about(facts),
            credential_id=step.credential_id,
            cause="basis_withdrawn",
            reason=step.reason,
            revoked_at=at,
        )
    assert isinstance(step, Issue)
    return await _issue(conn, facts, scheme, signer, at)


def _stage_event(
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


async def _issue(
    conn: asyncpg.Connection, facts: EnrollmentFacts, scheme: Scheme, signer: Signer, at: datetime
) -> EventData:
    credential_id = str(uuid.uuid4())
    until = at + CREDENTIAL_VALIDITY
    programme_id = facts.programme_id or ""
    jwt = signer.issue(
        credential_id=credential_id,
        trainee_id=facts.trainee_id,
        programme_id=programme_id,
        scheme=scheme,
        issued_at=at,
        valid_until=until,
    )
    await records.add_credential(
        conn,
        credential_id=credential_id,
        trainee_id=facts.trainee_id,
        enrollment_id=facts.enrollment_id,
        programme_id=programme_id,
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        jwt=jwt,
        issued_at=at,
        valid_until=until,
    )
    return contracts.Certified(
        **about(facts),
        credential_id=credential_id,
        programme_id=programme_id,
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        issued_at=at,
        valid_until=until,
    )
