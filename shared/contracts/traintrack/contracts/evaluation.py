"""Events the evaluation service emits on evaluation.events.v1 (version 2 of each type).

Every decision is about an enrollment (trainee x cohort), not the trainee alone: a trainee
taking a second course has a second, independent stage history, and a credential belongs
to the programme and scheme version it was earned under. Version 1 of these types
(`evaluation_v1.py`) was about the trainee and is only read, never written.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from traintrack.contracts.base import EventData
from traintrack.contracts.topics import EVALUATION_EVENTS, Topic

RevocationCause = Literal["manual", "basis_withdrawn"]


class _PerEnrollment(EventData):
    topic: ClassVar[Topic] = EVALUATION_EVENTS

    trainee_id: str
    enrollment_id: str = Field(description="The enrollment (trainee x cohort) it is about.")
    cohort_id: str


class _Decision(_PerEnrollment):
    scheme_id: str
    scheme_version: int = Field(ge=1, description="The scheme version the decision used.")
    decided_at: datetime


class AssessmentRecorded(_PerEnrollment):
    """Evidence for a stage was recorded: a score, a fact or a rubric assessment. A later
    record for the same evidence, attempt and assessor supersedes this one."""

    type: ClassVar[str] = "traintrack.evaluation.assessment-recorded.v2"

    stage: int = Field(ge=1)
    attempt: int = Field(ge=0)
    evidence: str = Field(description="The evidence name, or 'rubric' for a rubric score.")
    value: float
    side: Literal["institute", "firm"]
    recorded_at: datetime


class StagePassed(_Decision):
    """An enrollment passed a stage; `unlocks` is what the pass opens (hiring support)."""

    type: ClassVar[str] = "traintrack.evaluation.stage-passed.v2"

    stage: int = Field(ge=1)
    stage_name: str
    attempt: int = Field(ge=1)
    unlocks: list[str]


class StageFailed(_Decision):
    """A stage attempt failed; `attempts_left` says whether it may be tried again."""

    type: ClassVar[str] = "traintrack.evaluation.stage-failed.v2"

    stage: int = Field(ge=1)
    attempt: int = Field(ge=1)
    attempts_left: int = Field(ge=0)
    shortfalls: list[str]


class StagePassWithdrawn(_Decision):
    """A stage passed earlier no longer holds (a corrected score, a changed basis)."""

    type: ClassVar[str] = "traintrack.evaluation.stage-pass-withdrawn.v2"

    stage: int = Field(ge=1)


class Certified(_PerEnrollment):
    """The enrollment passed every stage; a signed credential was issued for its programme."""

    type: ClassVar[str] = "traintrack.evaluation.certified.v2"

    credential_id: str
    programme_id: str
    scheme_id: str
    scheme_version: int = Field(ge=1)
    issued_at: datetime
    valid_until: datetime


class CertificationRevoked(_PerEnrollment):
    """A credential was revoked, by an operator (`manual`, final until reinstated) or
    because its basis no longer holds (`basis_withdrawn`). Every firm that received the
    candidate must hear of it, with the reason."""

    type: ClassVar[str] = "traintrack.evaluation.certification-revoked.v2"

    credential_id: str
    cause: RevocationCause
    reason: str
    revoked_at: datetime


class CertificationReinstated(_PerEnrollment):
    """An operator reinstated a manually revoked credential (audited)."""

    type: ClassVar[str] = "traintrack.evaluation.certification-reinstated.v1"

    credential_id: str
    reason: str
    reinstated_at: datetime
