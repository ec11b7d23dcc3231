"""One function per command or enrollment fact; each ends by re-deciding the trainee's
stages from the whole evidence log and announcing what changed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import asyncpg
from opentelemetry import trace

from evaluation import store
from evaluation.credentials import Signer
from evaluation.domain.decisions import (
    Observation,
    StageDecision,
    Status,
    decide,
    weighted_mean,
)
from evaluation.domain.scheme import EVIDENCE_KINDS, STANDING_EVIDENCE, Scheme
from traintrack_shared import outbox
from traintrack_shared.auth import Principal, Role
from traintrack_shared.contracts import evaluation as contracts
from traintrack_shared.contracts.base import EventData
from traintrack_shared.errors import Conflict, NotFound, Rejected

SOURCE = "/traintrack/evaluation"
CREDENTIAL_VALIDITY = timedelta(days=3 * 365)
# Which evidence which role records; the course's own facts come from enrollment events.
RECORDED_BY = {
    Role.INSTITUTE: set(EVIDENCE_KINDS) - STANDING_EVIDENCE - {"interview"},
    Role.FIRM: {"interview"},
}


async def _emit(conn: asyncpg.Connection, events: list[EventData]) -> None:
    await outbox.add_events(conn, events, source=SOURCE)


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- re-deciding


def _standing(facts: store.TraineeFacts) -> list[Observation]:
    standing = []
    if facts.attendance_rate is not None:
        standing.append(Observation(0, "attendance", 0, 0, facts.attendance_rate))
    if facts.completed or facts.dropped:
        standing.append(Observation(0, "course_completed", 0, 0, 1.0 if facts.completed else 0))
    return standing


def _changes(
    scheme: Scheme,
    trainee_id: str,
    before: dict[int, StageDecision],
    after: list[StageDecision],
    now: datetime,
) -> list[EventData]:
    events: list[EventData] = []
    common: dict[str, Any] = {
        "trainee_id": trainee_id,
        "scheme_id": scheme.scheme_id,
        "scheme_version": scheme.version,
        "decided_at": now,
    }
    for decision in after:
        old = before.get(decision.stage)
        same = old is not None and (old.status, old.attempt) == (decision.status, decision.attempt)
        if decision.status is Status.PASSED and not same:
            stage = scheme.stage(decision.stage)
            events.append(
                contracts.StagePassed(
                    **common,
                    stage=decision.stage,
                    stage_name=stage.name,
                    attempt=decision.attempt,
                    unlocks=list(stage.unlocks),
                )
            )
        elif decision.status is Status.FAILED and not same:
            events.append(
                contracts.StageFailed(
                    **common,
                    stage=decision.stage,
                    attempt=decision.attempt,
                    attempts_left=decision.attempts_left,
                    shortfalls=list(decision.shortfalls),
                )
            )
        if old is not None and old.status is Status.PASSED and decision.status is not Status.PASSED:
            events.append(contracts.StagePassWithdrawn(**common, stage=decision.stage))
    return events


async def re_decide(
    conn: asyncpg.Connection, trainee_id: str, signer: Signer
) -> list[StageDecision]:
    facts = await store.trainee_facts(conn, trainee_id)
    if facts is None:
        raise NotFound(f"trainee {trainee_id}")
    scheme = await store.scheme_for_programme(conn, facts.programme_id or "")
    observations, assessments = await store.evidence_of(conn, trainee_id)
    decisions = decide(scheme, [*observations, *_standing(facts)], assessments)
    now = _now()
    events = _changes(
        scheme, trainee_id, await store.decisions_of(conn, trainee_id), decisions, now
    )
    await store.save_decisions(conn, trainee_id, scheme, decisions)
    events += await _certify_or_revoke(conn, trainee_id, scheme, decisions, signer, now)
    await _emit(conn, events)
    return decisions


async def _certify_or_revoke(
    conn: asyncpg.Connection,
    trainee_id: str,
    scheme: Scheme,
    decisions: list[StageDecision],
    signer: Signer,
    now: datetime,
) -> list[EventData]:
    certified = decisions[-1].status is Status.PASSED
    active = await store.active_credential(conn, trainee_id)
    if certified and active is None:
        credential_id = str(uuid.uuid4())
        until = now + CREDENTIAL_VALIDITY
        jwt = signer.issue(
            credential_id=credential_id,
            trainee_id=trainee_id,
            scheme=scheme,
            issued_at=now,
            valid_until=until,
        )
        await store.add_credential(conn, credential_id, trainee_id, jwt, now, until)
        return [
            contracts.Certified(
                trainee_id=trainee_id,
                credential_id=credential_id,
                scheme_id=scheme.scheme_id,
                scheme_version=scheme.version,
                issued_at=now,
                valid_until=until,
            )
        ]
    if not certified and active is not None:
        failing = next(d for d in decisions if d.status is not Status.PASSED)
        return [
            await revoke(
                conn,
                active,
                trainee_id,
                f"basis no longer holds: stage {failing.stage} is {failing.status}",
                now,
            )
        ]
    return []


async def revoke_and_announce(
    conn: asyncpg.Connection, credential_id: str, trainee_id: str, reason: str, now: datetime
) -> None:
    """Operator action: revoke and announce in the caller's transaction."""
    await _emit(conn, [await revoke(conn, credential_id, trainee_id, reason, now)])


async def revoke(
    conn: asyncpg.Connection, credential_id: str, trainee_id: str, reason: str, now: datetime
) -> EventData:
    await store.revoke_credential(conn, credential_id, reason, now)
    return contracts.CertificationRevoked(
        trainee_id=trainee_id, credential_id=credential_id, reason=reason, revoked_at=now
    )


# ---------------------------------------------------------------- commands


async def visible_trainee(
    conn: asyncpg.Connection, principal: Principal, trainee_id: str
) -> store.TraineeFacts:
    facts = await store.trainee_facts(conn, trainee_id)
    visible = facts is not None and (
        principal.role is Role.OPERATOR
        or (principal.role is Role.INSTITUTE and facts.institute_id == principal.tenant)
        or (
            principal.role is Role.FIRM
            and await store.firm_has_trainee(conn, principal.tenant, trainee_id)
        )
    )
    if not visible or facts is None:
        raise NotFound(f"trainee {trainee_id}")
    return facts


async def record_evidence(
    conn: asyncpg.Connection,
    principal: Principal,
    signer: Signer,
    *,
    trainee_id: str,
    evidence: str,
    stage: int,
    attempt: int,
    value: float,
) -> list[StageDecision]:
    trace.get_current_span().set_attribute("traintrack.trainee_id", trainee_id)
    if evidence not in RECORDED_BY.get(principal.role, set()):
        raise Rejected(
            f"a {principal.role} key does not record {evidence!r}", field="evidence", status=403
        )
    facts = await visible_trainee(conn, principal, trainee_id)
    scheme = await store.scheme_for_programme(conn, facts.programme_id or "")
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
        conn, trainee_id, evidence, stage, attempt, value, by=f"{principal.role}:{principal.key_id}"
    )
    await _emit(
        conn,
        [
            contracts.AssessmentRecorded(
                trainee_id=trainee_id,
                stage=stage,
                attempt=attempt,
                evidence=evidence,
                value=value,
                side="firm" if principal.role is Role.FIRM else "institute",
                recorded_at=at,
            )
        ],
    )
    return await re_decide(conn, trainee_id, signer)


async def create_project(
    conn: asyncpg.Connection, principal: Principal, project: dict[str, Any]
) -> dict[str, Any]:
    for trainee_id in project["team"]:
        facts = await visible_trainee(conn, principal, trainee_id)
        if facts.programme_id != project["programme_id"]:
            raise Rejected(
                f"trainee {trainee_id} is not in programme {project['programme_id']}", field="team"
            )
    project = {**project, "institute_id": principal.tenant}
    if not await store.add_project(conn, project):
        raise Conflict(f"project {project['project_id']} exists", field="project_id")
    return project


async def record_assessment(
    conn: asyncpg.Connection,
    principal: Principal,
    signer: Signer,
    *,
    project_id: str,
    trainee_id: str,
    attempt: int,
    scores: dict[str, float],
) -> list[StageDecision]:
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
    facts = await visible_trainee(conn, Principal("", Role.OPERATOR, ""), trainee_id)
    scheme = await store.scheme_for_programme(conn, facts.programme_id or "")
    rubric_stage = next((s for s in scheme.stages if s.rubric is not None), None)
    if rubric_stage is None or rubric_stage.rubric is None:
        raise Rejected("the trainee's scheme has no rubric stage", field="project_id")
    expected = set(rubric_stage.rubric.weights)
    if set(scores) != expected:
        raise Rejected(
            f"score exactly these criteria: {', '.join(sorted(expected))}", field="scores"
        )
    if attempt > rubric_stage.max_attempts:
        raise Rejected(f"at most {rubric_stage.max_attempts} attempt(s)", field="attempt")
    side: Literal["institute", "firm"] = "firm" if principal.role is Role.FIRM else "institute"
    at = await store.add_assessment(
        conn, trainee_id, project_id, attempt, f"{side}:{principal.key_id}", side, scores
    )
    mean = weighted_mean(rubric_stage.rubric, scores)
    await _emit(
        conn,
        [
            contracts.AssessmentRecorded(
                trainee_id=trainee_id,
                stage=rubric_stage.number,
                attempt=attempt,
                evidence="rubric",
                value=round(mean, 2),
                side=side,
                recorded_at=at,
            )
        ],
    )  # type: ignore[arg-type]
    return await re_decide(conn, trainee_id, signer)
