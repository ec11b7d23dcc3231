"""Evidence, projects and rubric assessments; the trainee's stage decisions."""

from __future__ import annotations

import asyncpg
from fastapi import APIRouter, status

from evaluation import handlers, store
from evaluation.api.deps import AssessorKey, InstituteKey, PoolDep, ReaderKey, SignerDep
from evaluation.api.schemas import AssessmentIn, DecisionOut, EvidenceIn, ProjectIn, ProjectOut

router = APIRouter(prefix="/v1", tags=["evaluation"])


async def _decisions(conn: asyncpg.Connection, trainee_id: str) -> list[DecisionOut]:
    return [DecisionOut(**row) for row in await store.decision_rows(conn, trainee_id)]


@router.post("/evidence", status_code=status.HTTP_201_CREATED)
async def record_evidence(
    body: EvidenceIn, pool: PoolDep, principal: AssessorKey, signer: SignerDep
) -> list[DecisionOut]:
    """Record a test score, project score, presentation or (firms) interview result for a
    stage attempt; a later record for the same evidence and attempt corrects it. Returns
    the trainee's stage decisions."""
    async with pool.acquire() as conn, conn.transaction():
        await handlers.record_evidence(conn, principal, signer, **body.model_dump())
        return await _decisions(conn, body.trainee_id)


@router.post("/projects", status_code=status.HTTP_201_CREATED)
async def create_project(body: ProjectIn, pool: PoolDep, principal: InstituteKey) -> ProjectOut:
    """A team project on a partner firm's real data, for the applied-project stage."""
    async with pool.acquire() as conn, conn.transaction():
        return ProjectOut(**await handlers.create_project(conn, principal, body.model_dump()))


@router.post("/projects/{project_id}/assessments", status_code=status.HTTP_201_CREATED)
async def record_assessment(
    project_id: str, body: AssessmentIn, pool: PoolDep, principal: AssessorKey, signer: SignerDep
) -> list[DecisionOut]:
    """Rubric scores for one team member: the project's institute, or the firm that gave
    the task. A later assessment by the same assessor supersedes theirs."""
    async with pool.acquire() as conn, conn.transaction():
        await handlers.record_assessment(
            conn, principal, signer, project_id=project_id, **body.model_dump()
        )
        return await _decisions(conn, body.trainee_id)


@router.get("/trainees/{trainee_id}/stages")
async def stage_decisions(
    trainee_id: str, pool: PoolDep, principal: ReaderKey
) -> list[DecisionOut]:
    """Where the trainee stands on each stage, with the scheme version used."""
    async with pool.acquire() as conn:
        await handlers.visible_trainee(conn, principal, trainee_id)
        return await _decisions(conn, trainee_id)
