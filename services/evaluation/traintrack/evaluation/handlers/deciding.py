"""Deciding an enrollment again under its cohort's scheme, and announcing the steps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from traintrack.contracts.base import EventData
from traintrack.evaluation.adapters import mapping
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.domain import credential
from traintrack.evaluation.domain.certification import (
    Issue,
    Issued,
    RevokeForBasis,
)
from traintrack.evaluation.domain.decisions import (
    StageDecision,
)
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.history import StageChange
from traintrack.evaluation.domain.review import Step, review
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME, Scheme
from traintrack.platform.errors import NotFound


def now() -> datetime:
    return datetime.now(UTC)


async def scheme_for_cohort(uow: Uow, cohort_id: str) -> Scheme:
    """The version the cohort is pinned to; a cohort not pinned yet (opened before pins
    existed) is pinned now, at its first decision, to its programme's version."""
    cohort = await uow.cohorts.get(cohort_id)
    if cohort is None:  # the cohort's facts have not arrived yet: nothing to pin
        return DEFAULT_SCHEME
    if cohort.scheme_id is not None:
        scheme = await uow.schemes.get(cohort.scheme_id, cohort.scheme_version)
        assert scheme is not None  # pinned versions are published ones
        return scheme
    scheme = await uow.schemes.assigned(cohort.programme_id) or DEFAULT_SCHEME
    await uow.cohorts.pin(cohort_id, scheme)
    return scheme


async def re_decide(uow: Uow, enrollment_id: str, *, trigger: str) -> list[StageDecision]:
    """Decide the enrollment again under its cohort's pinned scheme version: append what
    changed to its history and announce each step in order."""
    facts = await uow.enrollments.get(enrollment_id, lock=True)
    if facts is None:
        raise NotFound(f"enrollment {enrollment_id}")
    scheme = await scheme_for_cohort(uow, facts.cohort_id)
    observations, assessments = await uow.evidence.of(enrollment_id)
    result = review(
        scheme,
        facts,
        observations,
        assessments,
        await uow.decisions.current(enrollment_id),
        await uow.credentials.latest(enrollment_id),
    )
    await uow.decisions.append(facts, result.recorded, trigger=trigger)
    at = now()
    for step in result.steps:
        event = await _announce(uow, step, facts, scheme, at)
        if event is not None:
            uow.emit(event)
    return result.decisions


async def _announce(
    uow: Uow, step: Step, facts: EnrollmentFacts, scheme: Scheme, at: datetime
) -> EventData | None:
    """The step's event; None for a revocation that changed nothing (revoked already)."""
    if isinstance(step, StageChange):
        return mapping.stage_event(step, facts, scheme, at)
    if isinstance(step, RevokeForBasis):
        if not await uow.credentials.revoke_for_basis(
            step.credential_id, reason=step.reason, at=at
        ):
            return None
        return mapping.revoked(
            facts, step.credential_id, cause="basis_withdrawn", reason=step.reason, at=at
        )
    assert isinstance(step, Issue)
    return await _issue(uow, facts, scheme, at)


async def _issue(uow: Uow, facts: EnrollmentFacts, scheme: Scheme, at: datetime) -> EventData:
    credential_id = str(uuid.uuid4())
    until = at + credential.VALIDITY
    programme_id = facts.programme_id or ""
    status = await uow.credentials.allocate_status()
    claims = credential.claims(
        issuer=uow.signer.issuer,
        credential_id=credential_id,
        trainee_id=facts.trainee_id,
        programme_id=programme_id,
        scheme=scheme,
        issued_at=at,
        valid_until=until,
        status=status,
    )
    await uow.credentials.add(
        Issued(
            credential_id,
            facts.trainee_id,
            facts.enrollment_id,
            programme_id,
            scheme.scheme_id,
            scheme.version,
            jwt=uow.signer.sign(claims),
            issued_at=at,
            valid_until=until,
            status_list=status[0],
            status_index=status[1],
        )
    )
    return mapping.certified(
        facts,
        scheme,
        credential_id=credential_id,
        programme_id=programme_id,
        issued_at=at,
        valid_until=until,
    )
