"""Credentials revoked and reinstated by hand."""

from __future__ import annotations

from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters import mapping
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.domain.certification import (
    Credential,
    check_reinstatement,
)
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.handlers.deciding import now
from traintrack.platform.errors import NotFound


async def revoke_credential(command: c.RevokeCredential, uow: Uow) -> None:
    """Final until reinstated: later evidence never reissues for this enrollment. A
    credential revoked already as its basis broke becomes a manual revocation (final)."""
    stored, facts = await _held_credential(uow, command.credential_id)
    if stored.revocation_cause == "manual":
        return
    at = now()
    await uow.credentials.revoke_by_hand(command.credential_id, reason=command.reason, at=at)
    await uow.audit.record(
        command.actor,
        action="credential.revoke",
        target=command.credential_id,
        detail={"reason": command.reason, "enrollment_id": facts.enrollment_id},
    )
    if stored.revoked_at is None:  # firms have not heard of a revocation yet
        uow.emit(
            mapping.revoked(
                facts, command.credential_id, cause="manual", reason=command.reason, at=at
            )
        )


async def reinstate_credential(command: c.ReinstateCredential, uow: Uow) -> None:
    """Only the enrollment's latest credential, revoked by hand, with its basis holding."""
    stored, facts = await _held_credential(uow, command.credential_id)
    latest = await uow.credentials.latest(facts.enrollment_id)
    assert latest is not None
    current = await uow.decisions.current(facts.enrollment_id)
    check_reinstatement(stored.state, latest.credential_id, list(current.values()))
    at = now()
    await uow.credentials.reinstate(command.credential_id, reason=command.reason, at=at)
    await uow.audit.record(
        command.actor,
        action="credential.reinstate",
        target=command.credential_id,
        detail={
            "reason": command.reason,
            "revoked_for": stored.revocation_reason,
            "enrollment_id": facts.enrollment_id,
        },
    )
    uow.emit(mapping.reinstated(facts, command.credential_id, reason=command.reason, at=at))


async def _held_credential(uow: Uow, credential_id: str) -> tuple[Credential, EnrollmentFacts]:
    """The credential as it is once its enrollment's row is held: an operator's action and a
    re-decision of the enrollment (which may revoke or issue) take turns, never interleave."""
    stored = await uow.credentials.get(credential_id)
    if stored is not None:
        facts = await uow.enrollments.get(stored.enrollment_id or "", lock=True)
        stored = await uow.credentials.get(credential_id)  # read again, held
        if facts is not None and stored is not None:
            return stored, facts
    raise NotFound(f"credential {credential_id}")
