"""What the evaluation service knows of one enrollment (trainee x cohort): its own
attendance and how it ended. A trainee in two courses has two of these, independent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from traintrack.evaluation.domain.decisions import Observation

Ending = Literal["completed", "dropped", "not_completed"]


@dataclass(frozen=True)
class EnrollmentFacts:
    enrollment_id: str
    trainee_id: str
    cohort_id: str
    institute_id: str
    programme_id: str | None
    attendance_rate: float | None = None
    ending: Ending | None = None


def standing_evidence(facts: EnrollmentFacts) -> list[Observation]:
    """The course's own facts as evidence: attendance for stage 1; completion for stage 4,
    which a drop-out or a not-completed ending fails (`course_completed` is a yes/no)."""
    standing = []
    if facts.attendance_rate is not None:
        standing.append(Observation(0, "attendance", 0, 0, facts.attendance_rate))
    if facts.ending is not None:
        completed = 1.0 if facts.ending == "completed" else 0.0
        standing.append(Observation(0, "course_completed", 0, 0, completed))
    return standing


@dataclass(frozen=True)
class Cohort:
    """A cohort as the evaluation service knows it: its programme and the scheme version
    it is pinned to (None until its first decision, for cohorts opened before pins)."""

    cohort_id: str
    programme_id: str
    institute_id: str
    scheme_id: str | None = None
    scheme_version: int | None = None
