"""SQL for what the evaluation service records of one enrollment: its evidence (a log),
its append-only stage history (the current state is the `current_decisions` view) and its
credentials."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

import asyncpg

from traintrack.evaluation.domain.certification import Credential, CredentialState, Issued
from traintrack.evaluation.domain.decisions import Assessment, Observation, StageDecision, Status
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.status_list import place
from traintrack.platform.db import Connection


class EvidenceRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add_observation(
        self, facts: EnrollmentFacts, observation: Observation, *, by: str
    ) -> datetime:
        """When it was recorded (`observation.seq` is the store's to give)."""
        at: datetime = await self._conn.fetchval(
            "INSERT INTO observations (enrollment_id, trainee_id, evidence, stage, attempt, "
            "value, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING recorded_at",
            facts.enrollment_id,
            facts.trainee_id,
            observation.evidence,
            observation.stage,
            observation.attempt,
            observation.value,
            by,
        )
        return at

    async def add_assessment(
        self, facts: EnrollmentFacts, project_id: str, assessment: Assessment
    ) -> datetime:
        at: datetime = await self._conn.fetchval(
            "INSERT INTO assessments (enrollment_id, trainee_id, project_id, stage, attempt, "
            "assessor, side, scores) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "RETURNING recorded_at",
            facts.enrollment_id,
            facts.trainee_id,
            project_id,
            assessment.stage,
            assessment.attempt,
            assessment.assessor,
            assessment.side,
            dict(assessment.scores),
        )
        return at

    async def of(self, enrollment_id: str) -> tuple[list[Observation], list[Assessment]]:
        observations = [
            Observation(r["seq"], r["evidence"], r["stage"], r["attempt"], r["value"])
            for r in await self._conn.fetch(
                "SELECT * FROM observations WHERE enrollment_id = $1", enrollment_id
            )
        ]
        assessments = [
            Assessment(r["seq"], r["stage"], r["attempt"], r["assessor"], r["side"], r["scores"])
            for r in await self._conn.fetch(
                "SELECT * FROM assessments WHERE enrollment_id = $1", enrollment_id
            )
        ]
        return observations, assessments

    async def held_by(self, enrollment_ids: Sequence[str]) -> set[str]:
        """Those of the enrollments that have any evidence or assessment."""
        rows = await self._conn.fetch(
            "SELECT enrollment_id FROM observations WHERE enrollment_id = ANY($1::text[]) "
            "UNION SELECT enrollment_id FROM assessments WHERE enrollment_id = ANY($1::text[])",
            list(enrollment_ids),
        )
        return {r["enrollment_id"] for r in rows}


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


class DecisionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def current(self, enrollment_id: str) -> dict[int, StageDecision]:
        rows = await self._conn.fetch(
            "SELECT * FROM current_decisions WHERE enrollment_id = $1 ORDER BY stage",
            enrollment_id,
        )
        return {r["stage"]: _decision(r) for r in rows}

    async def append(
        self, facts: EnrollmentFacts, decisions: list[StageDecision], *, trigger: str
    ) -> None:
        await self._conn.executemany(
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


class CredentialRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def latest(self, enrollment_id: str) -> CredentialState | None:
        """The enrollment's latest credential."""
        row = await self._conn.fetchrow(
            """SELECT credential_id, enrollment_id, revoked_at, revocation_cause,
                   revocation_reason FROM credentials
               WHERE enrollment_id = $1 ORDER BY issued_at DESC, credential_id LIMIT 1""",
            enrollment_id,
        )
        return Credential(**dict(row)).state if row else None

    async def get(self, credential_id: str) -> Credential | None:
        row = await self._conn.fetchrow(
            """SELECT credential_id, enrollment_id, revoked_at, revocation_cause,
                   revocation_reason FROM credentials WHERE credential_id = $1""",
            credential_id,
        )
        return Credential(**dict(row)) if row else None

    async def allocate_status(self) -> tuple[int, int]:
        """The (list, index) of the next credential's revocation bit: a sequence number no
        other transaction gets, even when this one rolls back (its bit then stays unused)."""
        number: int = await self._conn.fetchval("SELECT nextval('credential_status_seq')")
        return place(number)

    async def add(self, issued: Issued) -> None:
        values = asdict(issued)
        columns = ", ".join(values)
        placeholders = ", ".join(f"${n}" for n in range(1, len(values) + 1))
        await self._conn.execute(
            f"INSERT INTO credentials ({columns}) VALUES ({placeholders})", *values.values()
        )

    async def revoke_by_hand(self, credential_id: str, *, reason: str, at: datetime) -> None:
        """Manual and final, also over a revocation for a broken basis (which keeps its
        time)."""
        await self._conn.execute(
            """UPDATE credentials SET revoked_at = coalesce(revoked_at, $2),
                   revocation_cause = 'manual', revocation_reason = $3
               WHERE credential_id = $1""",
            credential_id,
            at,
            reason,
        )

    async def revoke_for_basis(self, credential_id: str, *, reason: str, at: datetime) -> bool:
        """Revoke an active credential whose basis broke; one revoked already (by hand
        above all) keeps its cause and reason. Whether it changed anything."""
        done = await self._conn.fetchval(
            """UPDATE credentials SET revoked_at = $2, revocation_cause = 'basis_withdrawn',
                   revocation_reason = $3 WHERE credential_id = $1 AND revoked_at IS NULL
               RETURNING 1""",
            credential_id,
            at,
            reason,
        )
        return done is not None

    async def reinstate(self, credential_id: str, *, reason: str, at: datetime) -> None:
        await self._conn.execute(
            """UPDATE credentials SET revoked_at = NULL, revocation_cause = NULL,
                   revocation_reason = NULL, reinstated_at = $2, reinstatement_reason = $3
               WHERE credential_id = $1""",
            credential_id,
            at,
            reason,
        )
