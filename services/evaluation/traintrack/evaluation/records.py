"""SQL for what the evaluation service decides: the append-only stage history (its current
state is the `current_decisions` view) and credentials, each of one enrollment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from traintrack.evaluation.domain.certification import CredentialState
from traintrack.evaluation.domain.decisions import StageDecision, Status
from traintrack.evaluation.domain.enrollment import EnrollmentFacts

# ---------------------------------------------------------------- stage history


def _decision(r: asyncpg.Record) -> StageDecision:
    return StageDecision(
        r["stage"],
        Status(r["status"]),
        r["attempt"],
        r["attempts_left"],
        r["scheme_version"],
        r["rubric_score"],
        tuple(r["missing"]),
        tuple(r["shortfalls"]),
        r["scheme_id"],
    )


async def current_decisions(
    conn: asyncpg.Connection, enrollment_id: str
) -> dict[int, StageDecision]:
    rows = await conn.fetch(
        "SELECT * FROM current_decisions WHERE enrollment_id = $1 ORDER BY stage", enrollment_id
    )
    return {r["stage"]: _decision(r) for r in rows}


async def decision_rows(
    conn: asyncpg.Connection, enrollment_id: str, *, history: bool = False
) -> list[dict[str, Any]]:
    """The current decision of each stage, or (history) every decision in order."""
    query = (
        "SELECT * FROM stage_decisions WHERE enrollment_id = $1 ORDER BY decision_id"
        if history
        else "SELECT * FROM current_decisions WHERE enrollment_id = $1 ORDER BY stage"
    )
    return [dict(r) for r in await conn.fetch(query, enrollment_id)]


async def append_decisions(
    conn: asyncpg.Connection,
    facts: EnrollmentFacts,
    decisions: list[StageDecision],
    *,
    trigger: str,
) -> None:
    await conn.executemany(
        """INSERT INTO stage_decisions (enrollment_id, trainee_id, stage, status, attempt,
               attempts_left, scheme_id, scheme_version, rubric_score, missing, shortfalls,
               trigger)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
        [
            (
                facts.enrollment_id,
                facts.trainee_id,
                d.stage,
                d.status.value,
                d.attempt,
                d.attempts_left,
                d.scheme_id,
                d.scheme_version,
                d.rubric_score,
                list(d.missing),
                list(d.shortfalls),
                trigger,
            )
            for d in decisions
        ],
    )


# ---------------------------------------------------------------- credentials


async def latest_credential(conn: asyncpg.Connection, enrollment_id: str) -> CredentialState | None:
    row = await conn.fetchrow(
        """SELECT credential_id, revoked_at, revocation_cause FROM credentials
           WHERE enrollment_id = $1 ORDER BY issued_at DESC, credential_id LIMIT 1""",
        enrollment_id,
    )
    if row is None:
        return None
    return credential_state(dict(row))


def credential_state(stored: dict[str, Any]) -> CredentialState:
    cause = stored["revocation_cause"] if stored["revoked_at"] is not None else None
    return CredentialState(stored["credential_id"], cause)


async def add_credential(conn: asyncpg.Connection, **values: Any) -> None:
    columns = ", ".join(values)
    placeholders = ", ".join(f"${n}" for n in range(1, len(values) + 1))
    await conn.execute(
        f"INSERT INTO credentials ({columns}) VALUES ({placeholders})", *values.values()
    )


async def revoke_by_hand(
    conn: asyncpg.Connection, credential_id: str, *, reason: str, at: datetime
) -> None:
    """Manual and final, also over a revocation for a broken basis (which keeps its time)."""
    await conn.execute(
        """UPDATE credentials SET revoked_at = coalesce(revoked_at, $2),
               revocation_cause = 'manual', revocation_reason = $3 WHERE credential_id = $1""",
        credential_id,
        at,
        reason,
    )


async def revoke_for_basis(
    conn: asyncpg.Connection, credential_id: str, *, reason: str, at: datetime
) -> bool:
    """Revoke an active credential whose basis broke; one revoked already (by hand above
    all) keeps its cause and reason. Whether it changed anything."""
    done = await conn.fetchval(
        """UPDATE credentials SET revoked_at = $2, revocation_cause = 'basis_withdrawn',
               revocation_reason = $3 WHERE credential_id = $1 AND revoked_at IS NULL
           RETURNING 1""",
        credential_id,
        at,
        reason,
    )
    return done is not None


async def reinstate_credential(
    conn: asyncpg.Connection, credential_id: str, *, reason: str, at: datetime
) -> None:
    await conn.execute(
        """UPDATE credentials SET revoked_at = NULL, revocation_cause = NULL,
               revocation_reason = NULL, reinstated_at = $2, reinstatement_reason = $3
           WHERE credential_id = $1""",
        credential_id,
        at,
        reason,
    )


async def get_credential(conn: asyncpg.Connection, credential_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM credentials WHERE credential_id = $1", credential_id)
    return dict(row) if row else None


async def credentials_of(conn: asyncpg.Connection, enrollment_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT * FROM credentials WHERE enrollment_id = $1 ORDER BY issued_at", enrollment_id
    )
    return [dict(r) for r in rows]
