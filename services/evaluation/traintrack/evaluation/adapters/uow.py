"""The evaluation unit of work: one transaction over the evaluation store, its outbox and
audit log, with the repositories a handler sees and the key that signs credentials."""

from __future__ import annotations

from typing import Any

import asyncpg

from traintrack.evaluation.adapters.records import (
    CredentialRepository,
    DecisionRepository,
    EvidenceRepository,
)
from traintrack.evaluation.adapters.repository import (
    CohortRepository,
    EnrollmentRepository,
    ProjectRepository,
)
from traintrack.evaluation.adapters.schemes import SchemeRepository
from traintrack.evaluation.adapters.signing import Signer
from traintrack.platform.db import Connection
from traintrack.platform.db.uow import PostgresUnitOfWork
from traintrack.platform.web import audit
from traintrack.platform.web.auth import Principal


class AuditLog:
    """What an operator's action changed, beside the HTTP layer's record of the request."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def record(
        self, actor: Principal, *, action: str, target: str, detail: dict[str, Any]
    ) -> None:
        await audit.record(
            self._conn, actor, action=action, target=target, outcome=200, detail=detail
        )


class EvaluationUnitOfWork(PostgresUnitOfWork):
    source = "/traintrack/evaluation"
    schemes: SchemeRepository
    cohorts: CohortRepository
    enrollments: EnrollmentRepository
    projects: ProjectRepository
    evidence: EvidenceRepository
    decisions: DecisionRepository
    credentials: CredentialRepository
    audit: AuditLog

    def __init__(
        self,
        pool: asyncpg.Pool | None = None,
        *,
        signer: Signer,
        connection: Connection | None = None,
    ) -> None:
        super().__init__(pool, connection=connection)
        self.signer = signer

    def bind(self, connection: Connection) -> None:
        self.schemes = SchemeRepository(connection)
        self.cohorts = CohortRepository(connection)
        self.enrollments = EnrollmentRepository(connection)
        self.projects = ProjectRepository(connection)
        self.evidence = EvidenceRepository(connection)
        self.decisions = DecisionRepository(connection)
        self.credentials = CredentialRepository(connection)
        self.audit = AuditLog(connection)
