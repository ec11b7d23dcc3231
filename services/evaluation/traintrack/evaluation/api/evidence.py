"""Evidence, projects and rubric assessments; each enrollment's stage decisions."""

from __future__ import annotations

import asyncpg
from fastapi import APIRouter, status

from traintrack.evaluation import handlers, records
from traintrack.evaluation.api.deps import AssessorKey, InstituteKey, PoolDep, ReaderKey, SignerDep
from traintrack.evaluation.api.schemas import (
    AssessmentIn,
    CredentialSummary,
    DecisionOut,
    EnrollmentStagesOut,
    EvidenceIn,
    ProjectIn,
    ProjectOut,
)
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["evaluation"])


async def _current(conn: asyncpg.Connection, enrollment_id: str) -> list[DecisionOut]:
    return [DecisionOut(**row) for row in await records.decision_rows(conn, enrollment_id)]


async def _stages(conn: asyncpg.Connection, facts: EnrollmentFacts) -> EnrollmentStagesOut:
    history = await records.decision_rows(conn, facts.enrollment_id, history=True)
    return EnrollmentStagesOut(
        enrollment_id=facts.enrollment_id,
        trainee_id=facts.trainee_id,
        cohort_id=facts.cohort_id,
        programme_id=facts.programme_id,
        ending=facts.ending,
        current=await _current(conn, facts.enrollment_id),
        history=[DecisionOut(**row) for row in history],
        credentials=[
            CredentialSummary(**c) for c in await records.credentials_of(conn, facts.enrollment_id)
        ],
    )


@router.post("/evidence", status_code=status.HTTP_201_CREATED)
async def record_evidence(
    body: EvidenceIn, pool: PoolDep, principal: AssessorKey, signer: SignerDep
) -> list[DecisionOut]:
    """Record a test score, project score, presentation or (firms) interview result for a
    stage attempt of one enrollment; a later record for the same evidence and attempt
    corrects it. Returns the enrollment's current stage decisions."""
    async with pool.acquire() as conn, conn.transaction():
        await handlers.record_evidence(conn, principal, signer, **body.model_dump())
        return await _current(conn, body.enrollment_id)


@router.post("/projects", status_code=status.HTTP_201_CREATED)
async def create_project(body: ProjectIn, pool: PoolDep, principal: InstituteKey) -> ProjectOut:
    """A team project on a partner firm's real data, for the applied-project stage."""
    async with pool.acquire() as conn, conn.transaction():
        return ProjectOut(**await handlers.create_project(conn, principal, body.model_dump()))


@router.post("/projects/{project_id}/assessments", status_code=status.HTTP_201_CREATED)
async def record_assessment(
    project_id: IdPath, body: AssessmentIn, pool: PoolDep, principal: AssessorKey, signer: SignerDep
) -> list[DecisionOut]:
    """Rubric scores for one team member (in their enrollment in the project's programme):
    the project's institute, or the firm that gave the task. A later assessment by the
    same assessor supersedes theirs."""
    async with pool.acquire() as conn, conn.transaction():
        facts, _ = await handlers.record_assessment(
            conn, principal, signer, project_id=project_id, **body.model_dump()
        )
        return await _current(conn, facts.enrollment_id)


@router.get("/trainees/{trainee_id}/stages")
async def trainee_stages(
    trainee_id: IdPath, pool: PoolDep, principal: ReaderKey
) -> list[EnrollmentStagesOut]:
    """Each of the trainee's enrollments the caller may see (oldest first): current stages,
    the whole decision history with scheme versions, and its credentials."""
    async with pool.acquire() as conn:
        enrollments = await handlers.visible_enrollments(conn, principal, trainee_id)
        return [await _stages(conn, facts) for facts in enrollments]


@router.get("/enrollments/{enrollment_id}/stages")
async def enrollment_stages(
    enrollment_id: IdPath, pool: PoolDep, principal: ReaderKey
) -> EnrollmentStagesOut:
    """One enrollment's current stages, decision history and credentials: its institute, a
    firm assessing the trainee in its programme, or an operator."""
    async with pool.acquire() as conn:
        facts = await handlers.visible_enrollment(conn, principal, enrollment_id)
        return await _stages(conn, facts)
