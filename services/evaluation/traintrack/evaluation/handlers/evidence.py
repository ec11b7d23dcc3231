"""Evidence, projects and assessments: what the decisions are made of."""

from __future__ import annotations

from opentelemetry import trace

from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters import mapping
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.domain import access
from traintrack.evaluation.domain.decisions import (
    Assessment,
    Observation,
    StageDecision,
    weighted_mean,
)
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.evidence import (
    check_evidence,
    is_repeat,
    is_repeated_assessment,
    rubric_stage,
)
from traintrack.evaluation.domain.project import Project
from traintrack.evaluation.handlers.deciding import re_decide, scheme_for_cohort
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected


async def record_evidence(command: c.RecordEvidence, uow: Uow) -> list[StageDecision]:
    """A score or fact for a stage attempt of one enrollment the recorder may see."""
    trace.get_current_span().set_attribute("traintrack.enrollment_id", command.enrollment_id)
    actor, evidence = command.actor, command.evidence
    if not access.records(actor, evidence):
        raise Forbidden(f"a {actor.role} key does not record {evidence!r}", field="evidence")
    facts = await visible_enrollment(uow, actor, command.enrollment_id)
    if command.trainee_id is not None and command.trainee_id != facts.trainee_id:
        raise Rejected(
            f"enrollment {command.enrollment_id} is not trainee {command.trainee_id}'s",
            field="trainee_id",
        )
    scheme = await scheme_for_cohort(uow, facts.cohort_id)
    stage, attempt, value = command.stage, command.attempt, command.value
    check_evidence(scheme, evidence=evidence, stage=stage, attempt=attempt, value=value)
    observation = Observation(0, evidence, stage, attempt, value)
    # The same evidence sent again (a retry) changes nothing and announces nothing.
    if is_repeat((await uow.evidence.of(facts.enrollment_id))[0], observation):
        return await re_decide(uow, command.enrollment_id, trigger="evidence")
    at = await uow.evidence.add_observation(facts, observation, by=f"{actor.role}:{actor.key_id}")
    uow.emit(
        mapping.assessment_recorded(
            facts,
            stage=stage,
            attempt=attempt,
            evidence=evidence,
            value=value,
            side=access.side_of(actor),
            at=at,
        )
    )
    return await re_decide(uow, command.enrollment_id, trigger="evidence")


async def create_project(command: c.CreateProject, uow: Uow) -> Project:
    """Every member must have an enrollment the institute sees in a cohort of the programme."""
    for trainee_id in command.team:
        if not await _in_programme(uow, command.actor, trainee_id, command.programme_id):
            raise Rejected(
                f"trainee {trainee_id} is not in programme {command.programme_id}", field="team"
            )
    project = Project(
        command.project_id,
        command.programme_id,
        command.actor.tenant,
        command.firm_id,
        command.title,
        tuple(command.team),
    )
    if not await uow.projects.add(project):
        raise Conflict(f"project {project.project_id} exists", field="project_id")
    return project


async def record_assessment(
    command: c.RecordAssessment, uow: Uow
) -> tuple[EnrollmentFacts, list[StageDecision]]:
    """Rubric scores for one team member, by the project's institute or its firm."""
    trace.get_current_span().set_attribute("traintrack.trainee_id", command.trainee_id)
    actor = command.actor
    project = await uow.projects.get(command.project_id)
    if project is None or not project.assessed_by(actor):
        raise NotFound(f"project {command.project_id}")
    if command.trainee_id not in project.team:
        raise Rejected(
            f"trainee {command.trainee_id} is not on the project's team", field="trainee_id"
        )
    facts = await _member_enrollment(uow, project, command.trainee_id, command.enrollment_id)
    scheme = await scheme_for_cohort(uow, facts.cohort_id)
    stage = rubric_stage(scheme, command.scores, command.attempt)
    assert stage.rubric is not None
    side = access.side_of(actor)
    assessment = Assessment(
        0, stage.number, command.attempt, f"{side}:{actor.key_id}", side, command.scores
    )
    if is_repeated_assessment((await uow.evidence.of(facts.enrollment_id))[1], assessment):
        return facts, await re_decide(uow, facts.enrollment_id, trigger="assessment")
    at = await uow.evidence.add_assessment(facts, project.project_id, assessment)
    uow.emit(
        mapping.assessment_recorded(
            facts,
            stage=stage.number,
            attempt=command.attempt,
            evidence="rubric",
            value=round(weighted_mean(stage.rubric, command.scores), 2),
            side=side,
            at=at,
        )
    )
    return facts, await re_decide(uow, facts.enrollment_id, trigger="assessment")


async def _in_programme(
    uow: Uow, actor: access.Actor, trainee_id: str, programme_id: str
) -> list[EnrollmentFacts]:
    return [
        facts
        for facts in await uow.enrollments.of_trainee(trainee_id)
        if facts.programme_id == programme_id and await access.may_see(actor, facts, uow.projects)
    ]


async def _member_enrollment(
    uow: Uow, project: Project, trainee_id: str, enrollment_id: str | None
) -> EnrollmentFacts:
    """The team member's enrollment in a cohort of the project's programme: the one named,
    or the only one there is (a trainee in two cohorts of it must name which)."""
    programme_id = project.programme_id
    found = [
        facts
        for facts in await uow.enrollments.of_trainee(trainee_id)
        if facts.programme_id == programme_id and enrollment_id in (None, facts.enrollment_id)
    ]
    if not found:
        raise Rejected(
            f"enrollment {enrollment_id} is not trainee {trainee_id}'s in programme {programme_id}",
            field="enrollment_id",
        )
    if len(found) > 1:
        raise Rejected(
            f"trainee {trainee_id} has {len(found)} enrollments in programme {programme_id}: "
            "name enrollment_id",
            field="enrollment_id",
        )
    return found[0]


async def visible_enrollment(uow: Uow, actor: access.Actor, enrollment_id: str) -> EnrollmentFacts:
    facts = await uow.enrollments.get(enrollment_id)
    if facts is None or not await access.may_see(actor, facts, uow.projects):
        raise NotFound(f"enrollment {enrollment_id}")
    return facts
