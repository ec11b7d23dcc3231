"""Evidence, projects and rubric assessments; each enrollment's stage decisions."""

from __future__ import annotations

from fastapi import APIRouter, status

from traintrack.evaluation.commands import CreateProject, RecordAssessment, RecordEvidence
from traintrack.evaluation.entrypoints.api.deps import (
    AssessorKey,
    Bus,
    InstituteKey,
    ReaderKey,
    Views,
)
from traintrack.evaluation.entrypoints.api.schemas import (
    AssessmentIn,
    DecisionOut,
    EnrollmentStagesOut,
    EvidenceIn,
    ProjectIn,
    ProjectOut,
)
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["evaluation"])


@router.post("/evidence", status_code=status.HTTP_201_CREATED, responses=errors(404))
async def record_evidence(
    body: EvidenceIn, bus: Bus, views: Views, principal: AssessorKey
) -> list[DecisionOut]:
    """Record a test score, project score, presentation or (firms) interview result for a
    stage attempt of one enrollment; a later record for the same evidence and attempt
    corrects it. Returns the enrollment's current stage decisions."""
    await bus.handle(RecordEvidence(principal, **body.model_dump()))
    return [DecisionOut(**row) for row in await views.current_decisions(body.enrollment_id)]


@router.post("/projects", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
async def create_project(body: ProjectIn, bus: Bus, principal: InstituteKey) -> ProjectOut:
    """A team project on a partner firm's real data, for the applied-project stage."""
    project = await bus.handle(CreateProject(principal, **body.model_dump()))
    return ProjectOut.model_validate(project, from_attributes=True)


@router.post("/projects/{project_id}/assessments", status_code=status.HTTP_201_CREATED)
async def record_assessment(
    project_id: IdPath, body: AssessmentIn, bus: Bus, views: Views, principal: AssessorKey
) -> list[DecisionOut]:
    """Rubric scores for one team member (in their enrollment in the project's programme):
    the project's institute, or the firm that gave the task. A later assessment by the
    same assessor supersedes theirs."""
    facts, _ = await bus.handle(RecordAssessment(principal, project_id, **body.model_dump()))
    return [DecisionOut(**row) for row in await views.current_decisions(facts.enrollment_id)]


@router.get("/trainees/{trainee_id}/stages", dependencies=[personal_read("trainee stages")])
async def trainee_stages(
    trainee_id: IdPath, views: Views, principal: ReaderKey
) -> list[EnrollmentStagesOut]:
    """Each of the trainee's enrollments the caller may see (oldest first): current stages,
    the whole decision history with scheme versions, and its credentials."""
    return [
        EnrollmentStagesOut(**stages)
        for stages in await views.trainee_stages(principal, trainee_id)
    ]


@router.get("/enrollments/{enrollment_id}/stages")
async def enrollment_stages(
    enrollment_id: IdPath, views: Views, principal: ReaderKey
) -> EnrollmentStagesOut:
    """One enrollment's current stages, decision history and credentials: its institute, a
    firm assessing the trainee in its programme, or an operator."""
    return EnrollmentStagesOut(**await views.enrollment_stages(principal, enrollment_id))
