"""One function per command: evidence, projects and rubric assessments, each about one
enrollment; each ends by re-deciding that enrollment (`deciding.re_decide`)."""

from __future__ import annotations

from typing import Any, Literal

import asyncpg
from opentelemetry import trace

from traintrack.contracts import evaluation as contracts
from traintrack.evaluation import store
from traintrack.evaluation.credentials import Signer
from traintrack.evaluation.deciding import about, emit, re_decide
from traintrack.evaluation.domain.decisions import StageDecision, weighted_mean
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.scheme import EVIDENCE_KINDS, STANDING_EVIDENCE
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected
from traintrack.platform.web.auth import Principal, Role

# Which evidence which role records; the course's own facts come from enrollment events.
RECORDED_BY = {
    Role.INSTITUTE: set(EVIDENCE_KINDS) - STANDING_EVIDENCE - {"interview"},
    Role.FIRM: {"interview"},
}
OPERATOR = Principal("", Role.OPERATOR, "")

# ---------------------------------------------------------------- who sees what


async def _may_see(conn: asyncpg.Connection, principal: Principal, facts: EnrollmentFacts) -> bool:
    """The enrollment's institute, a firm assessing the trainee in its programme, operators."""
    if principal.role is Role.OPERATOR:
        return True
    if principal.role is Role.INSTITUTE:
        return facts.institute_id == principal.tenant
    return await store.firm_assesses(conn, principal.tenant, facts.trainee_id, facts.programme_id)


async def visible_enrollment(
    conn: asyncpg.Connection, principal: Principal, enrollment_id: str
) -> EnrollmentFacts:
    facts = await store.enrollment_facts(conn, enrollment_id)
    if facts is None or not await _may_see(conn, principal, facts):
        raise NotFound(f"enrollment {enrollment_id}")
    return facts


async def visible_enrollments(
    conn: asyncpg.Connection, principal: Principal, trainee_id: str
) -> list[EnrollmentFacts]:
    """The trainee's enrollments the caller may see (NotFound when none)."""
    seen = [
        facts
        for facts in await store.enrollments_of_trainee(conn, trainee_id)
        if await _may_see(conn, principal, facts)
    ]
    if not seen:
        raise NotFound(f"trainee {trainee_id}")
    return seen


# ---------------------------------------------------------------- evidence


async def record_evidence(
    conn: asyncpg.Connection,
    principal: Principal,
    signer: Signer,
    *,
    enrollment_id: str,
    trainee_id: str | None,
    evidence: str,
    stage: int,
    attempt: int,
    value: float,
) -> list[StageDecision]:
    trace.get_current_span().set_attribute("traintrack.enrollment_id", enrollment_id)
    if evidence not in RECORDED_BY.get(principal.role, set()):
        raise Forbidden(f"a {principal.role} key does not record {evidence!r}", field="evidence")
    facts = await visible_enrollment(conn, principal, enrollment_id)
    if trainee_id is not None and trainee_id != facts.trainee_id:
        raise Rejected(
            f"enrollment {enrollment_id} is not trainee {trainee_id}'s", field="trainee_id"
        )
    scheme = await store.scheme_for_cohort(conn, facts.cohort_id)
    scheme_stage = scheme.stage(stage)
    if evidence not in {r.evidence for r in scheme_stage.requirements}:
        raise Rejected(
            f"stage {stage} of {scheme.scheme_id} v{scheme.version} takes no {evidence}",
            field="evidence",
        )
    if attempt > scheme_stage.max_attempts:
        raise Rejected(
            f"stage {stage} allows {scheme_stage.max_attempts} attempt(s)", field="attempt"
        )
    kind = EVIDENCE_KINDS[evidence]
    if (kind == "score" and not 0 <= value <= 100) or (kind == "flag" and value not in (0, 1)):
        raise Rejected("a score lies between 0 and 100; a yes/no is 1 or 0", field="value")
    at = await store.add_observation(
        conn, facts, evidence, stage, attempt, value, by=f"{principal.role}:{principal.key_id}"
    )
    side: Literal["institute", "firm"] = "firm" if principal.role is Role.FIRM else "institute"
    recorded = contracts.AssessmentRecorded(
        **about(facts),
        stage=stage,
        attempt=attempt,
        evidence=evidence,
        value=value,
        side=side,
        recorded_at=at,
    )
    await emit(conn, [recorded])
    return await re_decide(conn, enrollment_id, signer, trigger="evidence")


# ---------------------------------------------------------------- projects and rubrics


async def _in_programme(
    conn: asyncpg.Connection, principal: Principal, trainee_id: str, programme_id: str
) -> list[EnrollmentFacts]:
    return [
        facts
        for facts in await store.enrollments_of_trainee(conn, trainee_id)
        if facts.programme_id == programme_id and await _may_see(conn, principal, facts)
    ]


async def create_project(
    conn: asyncpg.Connection, principal: Principal, project: dict[str, Any]
) -> dict[str, Any]:
    """Every member must have an enrollment the institute sees in a cohort of the programme."""
    for trainee_id in project["team"]:
        if not await _in_programme(conn, principal, trainee_id, project["programme_id"]):
            raise Rejected(
                f"trainee {trainee_id} is not in programme {project['programme_id']}", field="team"
            )
    project = {**project, "institute_id": principal.tenant}
    if not await store.add_project(conn, project):
        raise Conflict(f"project {project['project_id']} exists", field="project_id")
    return project


async def member_enrollment(
    conn: asyncpg.Connection, project: dict[str, Any], trainee_id: str, enrollment_id: str | None
) -> EnrollmentFacts:
    """The team member's enrollment in a cohort of the project's programme: the one named,
    or the only one there is (a trainee in two cohorts of it must name which)."""
    programme_id = project["programme_id"]
    found = [
        facts
        for facts in await _in_programme(conn, OPERATOR, trainee_id, programme_id)
        if enrollment_id in (None, facts.enrollment_id)
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


async def record_assessment(
    conn: asyncpg.Connection,
    principal: Principal,
    signer: Signer,
    *,
    project_id: str,
    trainee_id: str,
    enrollment_id: str | None,
    attempt: int,
    scores: dict[str, float],
) -> tuple[EnrollmentFacts, list[StageDecision]]:
    trace.get_current_span().set_attribute("traintrack.trainee_id", trainee_id)
    project = await store.get_project(conn, project_id)
    own = project is not None and (
        (principal.role is Role.INSTITUTE and project["institute_id"] == principal.tenant)
        or (principal.role is Role.FIRM and project["firm_id"] == principal.tenant)
    )
    if project is None or not own:
        raise NotFound(f"project {project_id}")
    if trainee_id not in project["team"]:
        raise Rejected(f"trainee {trainee_id} is not on the project's team", field="trainee_id")
    facts = await member_enrollment(conn, project, trainee_id, enrollment_id)
    scheme = await store.scheme_for_cohort(conn, facts.cohort_id)
    rubric_stage = next((s for s in scheme.stages if s.rubric is not None), None)
    if rubric_stage is None or rubric_stage.rubric is None:
        raise Rejected("the enrollment's scheme has no rubric stage", field="project_id")
    expected = set(rubric_stage.rubric.weights)
    if set(scores) != expected:
        raise Rejected(
            f"score exactly these criteria: {', '.join(sorted(expected))}", field="scores"
        )
    if attempt > rubric_stage.max_attempts:
        raise Rejected(f"at most {rubric_stage.max_attempts} attempt(s)", field="attempt")
    side: Literal["institute", "firm"] = "firm" if principal.role is Role.FIRM else "institute"
    at = await store.add_assessment(
        conn,
        facts,
        project_id,
        rubric_stage.number,
        attempt,
        f"{side}:{principal.key_id}",
        side,
        scores,
    )
    recorded = contracts.AssessmentRecorded(
        **about(facts),
        stage=rubric_stage.number,
        attempt=attempt,
        evidence="rubric",
        value=round(weighted_mean(rubric_stage.rubric, scores), 2),
        side=side,
        recorded_at=at,
    )
    await emit(conn, [recorded])
    return facts, await re_decide(conn, facts.enrollment_id, signer, trigger="assessment")
