"""What the evaluation service is asked to do: by institutes, firms and operators over its
API (each command names who acts), and by enrollment's facts through its worker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from traintrack.evaluation.domain.enrollment import Ending
from traintrack.platform.web.auth import Principal

# ---------------------------------------------------------------- evidence and projects


@dataclass(frozen=True)
class RecordEvidence:
    actor: Principal
    enrollment_id: str
    trainee_id: str | None
    evidence: str
    stage: int
    attempt: int
    value: float


@dataclass(frozen=True)
class CreateProject:
    actor: Principal
    project_id: str
    programme_id: str
    firm_id: str
    title: str
    team: Sequence[str]


@dataclass(frozen=True)
class RecordAssessment:
    actor: Principal
    project_id: str
    trainee_id: str
    enrollment_id: str | None
    attempt: int
    scores: Mapping[str, float]


# ---------------------------------------------------------------- operators


@dataclass(frozen=True)
class RevokeCredential:
    actor: Principal
    credential_id: str
    reason: str


@dataclass(frozen=True)
class ReinstateCredential:
    actor: Principal
    credential_id: str
    reason: str


@dataclass(frozen=True)
class PublishScheme:
    actor: Principal
    scheme_id: str
    stages: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class AssignScheme:
    actor: Principal
    programme_id: str
    scheme_id: str
    version: int


@dataclass(frozen=True)
class MoveCohortScheme:
    actor: Principal
    cohort_id: str
    scheme_id: str
    version: int


@dataclass(frozen=True)
class ShipDefaultScheme:
    """At start: the scheme traintrack ships is published (once)."""


# ---------------------------------------------------------------- enrollment's facts


@dataclass(frozen=True)
class OpenCohort:
    cohort_id: str
    programme_id: str
    institute_id: str


@dataclass(frozen=True)
class AddEnrollment:
    enrollment_id: str
    trainee_id: str
    cohort_id: str
    institute_id: str


@dataclass(frozen=True)
class RecordAttendance:
    enrollment_id: str
    rate_to_date: float


@dataclass(frozen=True)
class RecordAttendances:
    """A run of attendance days off the topic, in their order, applied set-wise."""

    days: tuple[RecordAttendance, ...]


@dataclass(frozen=True)
class EndEnrollment:
    enrollment_id: str
    ending: Ending
    final_rate: float | None  # a drop-out brings none: the rate to date stays
