"""One function per command, each in one unit of work. Evidence, assessments, enrollment
facts and scheme moves end by re-deciding the enrollments they touch (`re_decide`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from opentelemetry import trace

from traintrack.contracts.base import EventData
from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters import mapping
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.domain import access, credential
from traintrack.evaluation.domain.certification import (
    Credential,
    Issue,
    Issued,
    RevokeForBasis,
    check_reinstatement,
)
from traintrack.evaluation.domain.decisions import (
    Assessment,
    Observation,
    StageDecision,
    weighted_mean,
)
from traintrack.evaluation.domain.enrollment import Cohort, EnrollmentFacts
from traintrack.evaluation.domain.evidence import check_evidence, rubric_stage
from traintrack.evaluation.domain.history import StageChange
from traintrack.evaluation.domain.project import Project
from traintrack.evaluation.domain.review import Step, review
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME, Scheme
from traintrack.evaluation.domain.schemes_io import scheme_from_data
from traintrack.platform.bus import Handler
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected


def now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- evidence and projects


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


# ---------------------------------------------------------------- credentials by hand


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


# ---------------------------------------------------------------- schemes


async def publish_scheme(command: c.PublishScheme, uow: Uow) -> Scheme:
    """The scheme's next version; earlier versions stay."""
    version = await uow.schemes.next_version(command.scheme_id)
    data = {"scheme_id": command.scheme_id, "stages": command.stages, "version": version}
    scheme = scheme_from_data(data)
    await uow.schemes.add(scheme, by=f"operator:{command.actor.key_id}")
    return scheme


async def assign_scheme(command: c.AssignScheme, uow: Uow) -> Scheme:
    """The version the programme's cohorts opened from now on are pinned to."""
    scheme = await _published(uow, command.scheme_id, command.version)
    await uow.schemes.assign(command.programme_id, scheme)
    return scheme


async def move_cohort_scheme(
    command: c.MoveCohortScheme, uow: Uow
) -> dict[str, list[StageDecision]]:
    """Pin the cohort to another version and re-decide every enrollment under it."""
    cohort = await uow.cohorts.get(command.cohort_id)
    if cohort is None:
        raise NotFound(f"cohort {command.cohort_id}")
    scheme = await _published(uow, command.scheme_id, command.version)
    await uow.cohorts.hold(command.cohort_id)
    await uow.cohorts.pin(command.cohort_id, scheme)
    enrollments = await uow.enrollments.of_cohort(command.cohort_id)
    await uow.audit.record(
        command.actor,
        action="cohort.scheme.move",
        target=command.cohort_id,
        detail={
            "from": {"scheme_id": cohort.scheme_id, "version": cohort.scheme_version},
            "to": {"scheme_id": command.scheme_id, "version": command.version},
            "enrollments": len(enrollments),
        },
    )
    return {
        enrollment_id: await re_decide(uow, enrollment_id, trigger="scheme_move")
        for enrollment_id in enrollments
    }


async def ship_default_scheme(command: c.ShipDefaultScheme, uow: Uow) -> None:
    await uow.schemes.ship_default()


async def _published(uow: Uow, scheme_id: str, version: int) -> Scheme:
    scheme = await uow.schemes.get(scheme_id, version)
    if scheme is None or scheme.version != version:
        raise NotFound(f"scheme {scheme_id} v{version}")
    return scheme


async def scheme_for_cohort(uow: Uow, cohort_id: str) -> Scheme:
    """The version the cohort is pinned to; a cohort not pinned yet (opened before pins
    existed) is pinned now, at its first decision, to its programme's version."""
    cohort = await uow.cohorts.get(cohort_id)
    if cohort is None:  # the cohort's facts have not arrived yet: nothing to pin
        return DEFAULT_SCHEME
    if cohort.scheme_id is not None:
        scheme = await uow.schemes.get(cohort.scheme_id, cohort.scheme_version)
        assert scheme is not None  # pinned versions are published ones
        return scheme
    scheme = await uow.schemes.assigned(cohort.programme_id) or DEFAULT_SCHEME
    await uow.cohorts.pin(cohort_id, scheme)
    return scheme


# ---------------------------------------------------------------- enrollment's facts


async def open_cohort(command: c.OpenCohort, uow: Uow) -> None:
    """Pinned to the version its programme is assigned now (the default scheme if none)."""
    scheme = await uow.schemes.assigned(command.programme_id) or DEFAULT_SCHEME
    cohort = Cohort(command.cohort_id, command.programme_id, command.institute_id)
    await uow.cohorts.open(cohort, scheme)


async def add_enrollment(command: c.AddEnrollment, uow: Uow) -> None:
    await uow.enrollments.add(
        EnrollmentFacts(
            command.enrollment_id,
            command.trainee_id,
            command.cohort_id,
            command.institute_id,
            programme_id=None,
        )
    )


async def record_attendance(command: c.RecordAttendance, uow: Uow) -> None:
    running = await uow.enrollments.record_attendance(command.enrollment_id, command.rate_to_date)
    # Attendance arrives daily for every enrollment; it can only change a decision once
    # the enrollment has evidence (stage 1 needs its test too).
    if running and await uow.evidence.exists_for(command.enrollment_id):
        await re_decide(uow, command.enrollment_id, trigger="attendance")


async def end_enrollment(command: c.EndEnrollment, uow: Uow) -> None:
    """Completion, drop-out or not-completed: stage 4 decided again."""
    if await uow.enrollments.end(command.enrollment_id, command.ending, command.final_rate):
        await re_decide(uow, command.enrollment_id, trigger=command.ending)


# ---------------------------------------------------------------- re-deciding


async def re_decide(uow: Uow, enrollment_id: str, *, trigger: str) -> list[StageDecision]:
    """Decide the enrollment again under its cohort's pinned scheme version: append what
    changed to its history and announce each step in order."""
    facts = await uow.enrollments.get(enrollment_id, lock=True)
    if facts is None:
        raise NotFound(f"enrollment {enrollment_id}")
    scheme = await scheme_for_cohort(uow, facts.cohort_id)
    observations, assessments = await uow.evidence.of(enrollment_id)
    result = review(
        scheme,
        facts,
        observations,
        assessments,
        await uow.decisions.current(enrollment_id),
        await uow.credentials.latest(enrollment_id),
    )
    await uow.decisions.append(facts, result.recorded, trigger=trigger)
    at = now()
    for step in result.steps:
        event = await _announce(uow, step, facts, scheme, at)
        if event is not None:
            uow.emit(event)
    return result.decisions


async def _announce(
    uow: Uow, step: Step, facts: EnrollmentFacts, scheme: Scheme, at: datetime
) -> EventData | None:
    """The step's event; None for a revocation that changed nothing (revoked already)."""
    if isinstance(step, StageChange):
        return mapping.stage_event(step, facts, scheme, at)
    if isinstance(step, RevokeForBasis):
        if not await uow.credentials.revoke_for_basis(
            step.credential_id, reason=step.reason, at=at
        ):
            return None
        return mapping.revoked(
            facts, step.credential_id, cause="basis_withdrawn", reason=step.reason, at=at
        )
    assert isinstance(step, Issue)
    return await _issue(uow, facts, scheme, at)


async def _issue(uow: Uow, facts: EnrollmentFacts, scheme: Scheme, at: datetime) -> EventData:
    credential_id = str(uuid.uuid4())
    until = at + credential.VALIDITY
    programme_id = facts.programme_id or ""
    claims = credential.claims(
        issuer=uow.signer.issuer,
        credential_id=credential_id,
        trainee_id=facts.trainee_id,
        programme_id=programme_id,
        scheme=scheme,
        issued_at=at,
        valid_until=until,
    )
    await uow.credentials.add(
        Issued(
            credential_id,
            facts.trainee_id,
            facts.enrollment_id,
            programme_id,
            scheme.scheme_id,
            scheme.version,
            jwt=uow.signer.sign(claims),
            issued_at=at,
            valid_until=until,
        )
    )
    return mapping.certified(
        facts,
        scheme,
        credential_id=credential_id,
        programme_id=programme_id,
        issued_at=at,
        valid_until=until,
    )


HANDLERS: dict[type, Handler[Uow]] = {
    c.RecordEvidence: record_evidence,
    c.CreateProject: create_project,
    c.RecordAssessment: record_assessment,
    c.RevokeCredential: revoke_credential,
    c.ReinstateCredential: reinstate_credential,
    c.PublishScheme: publish_scheme,
    c.AssignScheme: assign_scheme,
    c.MoveCohortScheme: move_cohort_scheme,
    c.ShipDefaultScheme: ship_default_scheme,
    c.OpenCohort: open_cohort,
    c.AddEnrollment: add_enrollment,
    c.RecordAttendance: record_attendance,
    c.EndEnrollment: end_enrollment,
}
