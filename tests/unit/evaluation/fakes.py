"""The evaluation unit of work in memory: repositories as dicts and lists behind the
methods of the real ones (adapters/), a real signer on keys in a temporary directory."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.utils.fakes import FakeUnitOfWork
from traintrack.evaluation.adapters.keys import KeyStore
from traintrack.evaluation.adapters.signing import Signer
from traintrack.evaluation.domain.certification import Credential, CredentialState, Issued
from traintrack.evaluation.domain.decisions import Assessment, Observation, StageDecision
from traintrack.evaluation.domain.enrollment import Cohort, EnrollmentFacts
from traintrack.evaluation.domain.project import Project
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME, RUBRIC_CRITERIA, Scheme
from traintrack.evaluation.domain.status_list import place
from traintrack.evaluation.handlers import HANDLERS
from traintrack.platform.bus import MessageBus
from traintrack.platform.web.auth import Principal, Role

RECORDED_AT = datetime(2026, 9, 30, 10, 0, tzinfo=UTC)
ISSUER = "https://evaluation.test"
INSTITUTE = Principal("k-inst", Role.INSTITUTE, "inst-a")
OTHER_INSTITUTE = Principal("k-other", Role.INSTITUTE, "inst-b")
FIRM = Principal("k-firm", Role.FIRM, "firm-a")
OTHER_FIRM = Principal("k-firm-b", Role.FIRM, "firm-b")
OPERATOR = Principal("k-op", Role.OPERATOR, "traintrack")


class FakeSchemes:
    def __init__(self) -> None:
        self.published: dict[tuple[str, int], tuple[Scheme, str]] = {}
        self.assignments: dict[str, tuple[str, int]] = {}

    async def add(self, scheme: Scheme, *, by: str) -> None:
        assert (scheme.scheme_id, scheme.version) not in self.published, "primary key"
        self.published[(scheme.scheme_id, scheme.version)] = (scheme, by)

    async def ship_default(self) -> None:
        key = (DEFAULT_SCHEME.scheme_id, DEFAULT_SCHEME.version)
        self.published.setdefault(key, (DEFAULT_SCHEME, "traintrack"))

    async def next_version(self, scheme_id: str) -> int:
        return max((v for s, v in self.published if s == scheme_id), default=0) + 1

    async def get(self, scheme_id: str, version: int | None = None) -> Scheme | None:
        versions = sorted(v for s, v in self.published if s == scheme_id)
        if version is not None:
            versions = [v for v in versions if v == version]
        return self.published[(scheme_id, versions[-1])][0] if versions else None

    async def assign(self, programme_id: str, scheme: Scheme) -> None:
        self.assignments[programme_id] = (scheme.scheme_id, scheme.version)

    async def assigned(self, programme_id: str) -> Scheme | None:
        pinned = self.assignments.get(programme_id)
        return None if pinned is None else self.published[pinned][0]


class FakeCohorts:
    def __init__(self) -> None:
        self.cohorts: dict[str, Cohort] = {}
        self.held: list[str] = []

    async def open(self, cohort: Cohort, scheme: Scheme) -> None:
        known = self.cohorts.get(cohort.cohort_id)
        pin = (scheme.scheme_id, scheme.version)
        if known is not None and known.scheme_id is not None:
            pin = (known.scheme_id, known.scheme_version)  # type: ignore[assignment]
        self.cohorts[cohort.cohort_id] = replace(cohort, scheme_id=pin[0], scheme_version=pin[1])

    async def get(self, cohort_id: str) -> Cohort | None:
        return self.cohorts.get(cohort_id)

    async def pin(self, cohort_id: str, scheme: Scheme) -> None:
        self.cohorts[cohort_id] = replace(
            self.cohorts[cohort_id], scheme_id=scheme.scheme_id, scheme_version=scheme.version
        )

    async def hold(self, cohort_id: str) -> None:
        self.held.append(cohort_id)


class FakeEnrollments:
    """Enrollments in the order they came; their programme is their cohort's."""

    def __init__(self, cohorts: FakeCohorts) -> None:
        self.rows: dict[str, EnrollmentFacts] = {}
        self.ahead: dict[str, float] = {}  # rates that came before their enrollment
        self.locked: list[str] = []
        self._cohorts = cohorts

    def _with_programme(self, facts: EnrollmentFacts) -> EnrollmentFacts:
        cohort = self._cohorts.cohorts.get(facts.cohort_id)
        return replace(facts, programme_id=cohort.programme_id if cohort else None)

    async def add(self, facts: EnrollmentFacts) -> None:
        known = self.rows.get(facts.enrollment_id)
        if known is not None:
            facts = replace(known, cohort_id=facts.cohort_id, institute_id=facts.institute_id)
        elif facts.enrollment_id in self.ahead:
            facts = replace(facts, attendance_rate=self.ahead.pop(facts.enrollment_id))
        self.rows[facts.enrollment_id] = replace(facts, programme_id=None)

    async def end(self, enrollment_id: str, ending: Any, final_rate: float | None) -> bool:
        known = self.rows.get(enrollment_id)
        if known is None:
            return False
        rate = known.attendance_rate if final_rate is None else final_rate
        self.rows[enrollment_id] = replace(known, ending=ending, attendance_rate=rate)
        return True

    async def record_attendance(self, rates: dict[str, float]) -> list[str]:
        running = []
        for enrollment_id, rate in rates.items():
            known = self.rows.get(enrollment_id)
            if known is None:
                self.ahead[enrollment_id] = rate
            elif known.ending is None:
                self.rows[enrollment_id] = replace(known, attendance_rate=rate)
                running.append(enrollment_id)
        return running

    async def get(self, enrollment_id: str, *, lock: bool = False) -> EnrollmentFacts | None:
        if lock:
            self.locked.append(enrollment_id)
        known = self.rows.get(enrollment_id)
        return None if known is None else self._with_programme(known)

    async def of_trainee(self, trainee_id: str) -> list[EnrollmentFacts]:
        return [self._with_programme(f) for f in self.rows.values() if f.trainee_id == trainee_id]

    async def of_cohort(self, cohort_id: str) -> list[str]:
        return [f.enrollment_id for f in self.rows.values() if f.cohort_id == cohort_id]


class FakeProjects:
    def __init__(self) -> None:
        self.projects: dict[str, Project] = {}

    async def add(self, project: Project) -> bool:
        if project.project_id in self.projects:
            return False
        self.projects[project.project_id] = project
        return True

    async def get(self, project_id: str) -> Project | None:
        return self.projects.get(project_id)

    async def firm_assesses(self, firm_id: str, trainee_id: str, programme_id: str | None) -> bool:
        return any(
            p.firm_id == firm_id and trainee_id in p.team and p.programme_id == programme_id
            for p in self.projects.values()
        )


class FakeEvidence:
    def __init__(self) -> None:
        self.observations: dict[str, list[Observation]] = {}
        self.assessments: dict[str, list[tuple[str, Assessment]]] = {}
        self.recorded_by: list[str] = []
        self._seq = 0

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    async def add_observation(
        self, facts: EnrollmentFacts, observation: Observation, *, by: str
    ) -> datetime:
        logged = replace(observation, seq=self._next())
        self.observations.setdefault(facts.enrollment_id, []).append(logged)
        self.recorded_by.append(by)
        return RECORDED_AT

    async def add_assessment(
        self, facts: EnrollmentFacts, project_id: str, assessment: Assessment
    ) -> datetime:
        logged = replace(assessment, seq=self._next())
        self.assessments.setdefault(facts.enrollment_id, []).append((project_id, logged))
        return RECORDED_AT

    async def of(self, enrollment_id: str) -> tuple[list[Observation], list[Assessment]]:
        assessed = [a for _, a in self.assessments.get(enrollment_id, [])]
        return list(self.observations.get(enrollment_id, [])), assessed

    async def held_by(self, enrollment_ids: list[str]) -> set[str]:
        return {e for e in enrollment_ids if self.observations.get(e) or self.assessments.get(e)}


class FakeDecisions:
    def __init__(self) -> None:
        self.history: list[tuple[str, StageDecision, str]] = []

    async def current(self, enrollment_id: str) -> dict[int, StageDecision]:
        latest: dict[int, StageDecision] = {}
        for about, decision, _ in self.history:
            if about == enrollment_id:
                latest[decision.stage] = decision
        return dict(sorted(latest.items()))

    async def append(
        self, facts: EnrollmentFacts, decisions: list[StageDecision], *, trigger: str
    ) -> None:
        self.history += [(facts.enrollment_id, d, trigger) for d in decisions]

    def triggers(self, enrollment_id: str) -> list[tuple[int, str, str]]:
        """(stage, status, trigger) of each decision appended, in order."""
        return [(d.stage, d.status.value, t) for e, d, t in self.history if e == enrollment_id]


class FakeCredentials:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}  # in the order they were issued
        self.statuses_given = 0

    async def allocate_status(self) -> tuple[int, int]:
        self.statuses_given += 1
        return place(self.statuses_given - 1)

    async def latest(self, enrollment_id: str) -> CredentialState | None:
        mine = [r for r in self.rows.values() if r["enrollment_id"] == enrollment_id]
        return _credential(mine[-1]).state if mine else None

    async def get(self, credential_id: str) -> Credential | None:
        row = self.rows.get(credential_id)
        return None if row is None else _credential(row)

    async def add(self, issued: Issued) -> None:
        revoked = {"revoked_at": None, "revocation_cause": None, "revocation_reason": None}
        self.rows[issued.credential_id] = {**revoked, **asdict(issued)}

    async def revoke_by_hand(self, credential_id: str, *, reason: str, at: datetime) -> None:
        row = self.rows[credential_id]
        row.update(revoked_at=row["revoked_at"] or at, revocation_cause="manual")
        row["revocation_reason"] = reason

    async def revoke_for_basis(self, credential_id: str, *, reason: str, at: datetime) -> bool:
        row = self.rows[credential_id]
        if row["revoked_at"] is not None:
            return False
        row.update(revoked_at=at, revocation_cause="basis_withdrawn", revocation_reason=reason)
        return True

    async def reinstate(self, credential_id: str, *, reason: str, at: datetime) -> None:
        self.rows[credential_id].update(
            revoked_at=None,
            revocation_cause=None,
            revocation_reason=None,
            reinstated_at=at,
            reinstatement_reason=reason,
        )


def _credential(row: dict[str, Any]) -> Credential:
    return Credential(
        row["credential_id"],
        row["enrollment_id"],
        row["revoked_at"],
        row["revocation_cause"],
        row["revocation_reason"],
    )


class FakeAuditLog:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    async def record(self, actor: Any, *, action: str, target: str, detail: dict[str, Any]) -> None:
        self.entries.append(
            {"by": actor.key_id, "action": action, "target": target, "detail": detail}
        )


@functools.cache
def shared_keys() -> KeyStore:
    """One key store for the unit tests: an RSA key takes a moment to make."""
    return KeyStore(Path(tempfile.mkdtemp(prefix="evaluation-keys-")))


class FakeEvaluationUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.signer = Signer(shared_keys(), ISSUER)
        self.schemes = FakeSchemes()
        self.cohorts = FakeCohorts()
        self.enrollments = FakeEnrollments(self.cohorts)
        self.projects = FakeProjects()
        self.evidence = FakeEvidence()
        self.decisions = FakeDecisions()
        self.credentials = FakeCredentials()
        self.audit = FakeAuditLog()


# ---------------------------------------------------------------- given


async def enrolled(
    uow: FakeEvaluationUnitOfWork,
    *,
    enrollment_id: str = "en-1",
    trainee_id: str = "tr-1",
    cohort_id: str = "c-1",
    programme_id: str = "p-1",
    institute_id: str = "inst-a",
    rate: float | None = 0.92,
) -> None:
    """An enrollment of a cohort (opened if need be, on the default scheme), as the
    worker leaves it."""
    await uow.schemes.ship_default()
    if cohort_id not in uow.cohorts.cohorts:
        await uow.cohorts.open(Cohort(cohort_id, programme_id, institute_id), DEFAULT_SCHEME)
    await uow.enrollments.add(
        EnrollmentFacts(enrollment_id, trainee_id, cohort_id, institute_id, None, rate)
    )


def observed(
    uow: FakeEvaluationUnitOfWork, enrollment_id: str, *evidence: tuple[str, int, float]
) -> None:
    """Evidence recorded before: (name, stage, value), first attempts."""
    for name, stage, value in evidence:
        uow.evidence._seq += 1
        uow.evidence.observations.setdefault(enrollment_id, []).append(
            Observation(uow.evidence._seq, name, stage, 1, value)
        )


def rubric_scored(uow: FakeEvaluationUnitOfWork, enrollment_id: str, score: float) -> None:
    """Both sides scored the applied project `score` on every criterion."""
    for side in ("institute", "firm"):
        uow.evidence._seq += 1
        assessment = Assessment(
            uow.evidence._seq, 3, 1, f"{side}:k", side, dict.fromkeys(RUBRIC_CRITERIA, score)
        )
        uow.evidence.assessments.setdefault(enrollment_id, []).append(("pr-1", assessment))


# Every stage's evidence but the course's completion (stage 4 waits for it).
THROUGH_STAGE_4 = (
    ("baseline_test", 1, 72),
    ("module_test", 2, 78),
    ("mini_project", 2, 74),
    ("participation", 3, 88),
    ("presentation", 4, 86),
    ("interview", 4, 1),
)


async def handle(uow: FakeEvaluationUnitOfWork, command: object) -> Any:
    """`command` through the bus, in `uow`: its answer, once committed."""
    return await MessageBus(HANDLERS, lambda: uow).handle(command)
