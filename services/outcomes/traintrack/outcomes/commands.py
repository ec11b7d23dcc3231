"""What the outcomes service is asked to do: keep what the platform announced, take an
outcome report, import a programme's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.domain.trainees import EnrollmentEntry, TraineeEntry
from traintrack.platform.web.auth import Principal


@dataclass(frozen=True)
class RecordFacts:
    """Keep events the indicators need (the worker and the replay, a batch at a time)."""

    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class RecordRegistrations:
    """Keep trainee registrations: as facts and in the trainee view."""

    facts: tuple[Fact, ...]
    trainees: tuple[TraineeEntry, ...]


@dataclass(frozen=True)
class RecordEnrollments:
    """Keep enrollments: as facts and in the trainee view."""

    facts: tuple[Fact, ...]
    enrollments: tuple[EnrollmentEntry, ...]


@dataclass(frozen=True)
class ReportOutcome:
    """What became of a trainee, from their institute, a firm that hired them or an
    operator."""

    actor: Principal
    trainee_id: str
    kind: str
    starts_on: date
    ends_on: date | None = None
    employer: str | None = None
    insured: bool | None = None
    employment_type: str | None = None
    monthly_earnings: int | None = None
    exclusion_reason: str | None = None
    corrects: str | None = None


@dataclass(frozen=True)
class ImportHistory:
    """A programme's earlier years, one record a line (operators)."""

    actor: Principal
    text: str
    format: Literal["csv", "jsonl"]
