"""Operator actions, each audited with what it changed: revoking a credential by hand,
reinstating it, and moving a running cohort to another scheme version."""

from __future__ import annotations

from typing import Any

import asyncpg

from traintrack.contracts import evaluation as contracts
from traintrack.evaluation import records, store
from traintrack.evaluation.credentials import Signer
from traintrack.evaluation.deciding import about, emit, now, re_decide
from traintrack.evaluation.domain.certification import check_reinstatement
from traintrack.evaluation.domain.decisions import StageDecision
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.platform.errors import NotFound
from traintrack.platform.web import audit
from traintrack.platform.web.auth import Principal


async def _credential(
    conn: asyncpg.Connection, credential_id: str
) -> tuple[dict[str, Any], EnrollmentFacts]:
    """The credential as it is once its enrollment's row is held: an operator's action and a
    re-decision of the enrollment (which may revoke or issue) take turns, never interleave."""
    stored = await records.get_credential(conn, credential_id)
    if stored is not None:
        facts = await store.enrollment_facts(conn, stored["enrollment_id"] or "", lock=True)
        stored = await records.get_credential(conn, credential_id)  # read again, locked
        if facts is not None and stored is not None:
            return stored, facts
    raise NotFound(f"credential {credential_id}")


async def revoke_by_hand(
    conn: asyncpg.Connection, principal: Principal, credential_id: str, reason: str
) -> None:
    """Final until reinstated: later evidence never reissues for this enrollment. A
    credential revoked already as its basis broke becomes a manual revocation (final)."""
    stored, facts = await _credential(conn, credential_id)
    if stored["revocation_cause"] == "manual":
        return
    at = now()
    await records.revoke_by_hand(conn, credential_id, reason=reason, at=at)
    await audit.record(
        conn,
        principal,
        action="credential.revoke",
        target=credential_id,
        outcome=200,
        detail={"reason": reason, "enrollment_id": facts.enrollment_id},
    )
    if stored["revoked_at"] is None:  # firms have not heard of a revocation yet
        await emit(
            conn,
            [
                contracts.CertificationRevoked(
                    **about(facts),
                    credential_id=credential_id,
                    cause="manual",
                    reason=reason,
                    revoked_at=at,
                )
            ],
        )


async def reinstate(
    conn: asyncpg.Connection, principal: Principal, credential_id: str, reason: str
) -> None:
    stored, facts = await _credential(conn, credential_id)
    latest = await records.latest_credential(conn, facts.enrollment_id)
    assert latest is not None
    current = await records.current_decisions(conn, facts.enrollment_id)
    check_reinstatement(
        records.credential_state(stored), latest.credential_id, list(current.values())
    )
    at = now()
    await records.reinstate_credential(conn, credential_id, reason=reason, at=at)
    await audit.record(
        conn,
        principal,
        action="credential.reinstate",
        target=credential_id,
        outcome=200,
        detail={
            "reason": reason,
            "revoked_for": stored["revocation_reason"],
            "enrollment_id": facts.enrollment_id,
        },
    )
    await emit(
        conn,
        [
            contracts.CertificationReinstated(
                **about(facts), credential_id=credential_id, reason=reason, reinstated_at=at
            )
        ],
    )


async def move_cohort_scheme(
    conn: asyncpg.Connection,
    principal: Principal,
    signer: Signer,
    *,
    cohort_id: str,
    scheme_id: str,
    version: int,
) -> dict[str, list[StageDecision]]:
    """Pin the cohort to another version and re-decide every enrollment under it."""
    cohort = await store.get_cohort(conn, cohort_id)
    if cohort is None:
        raise NotFound(f"cohort {cohort_id}")
    scheme = await store.get_scheme(conn, scheme_id, version)
    if scheme is None or scheme.version != version:
        raise NotFound(f"scheme {scheme_id} v{version}")
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"cohort:{cohort_id}")
    await store.pin_scheme(conn, cohort_id, scheme)
    enrollments = await store.enrollments_of_cohort(conn, cohort_id)
    await audit.record(
        conn,
        principal,
        action="cohort.scheme.move",
        target=cohort_id,
        outcome=200,
        detail={
            "from": {"scheme_id": cohort["scheme_id"], "version": cohort["scheme_version"]},
            "to": {"scheme_id": scheme_id, "version": version},
            "enrollments": len(enrollments),
        },
    )
    return {
        enrollment_id: await re_decide(conn, enrollment_id, signer, trigger="scheme_move")
        for enrollment_id in enrollments
    }
