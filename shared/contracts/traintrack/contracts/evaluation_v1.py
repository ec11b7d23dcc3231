"""Version 1 of the evaluation events: about a trainee, not an enrollment. The evaluation
service no longer writes them (see `evaluation.py`); they stay declared so that history on
the topic still decodes and replays. A consumer reads a v1 event as being about the
trainee's latest enrollment known when it arrived, which is what it meant."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from traintrack.contracts.base import EventData
from traintrack.contracts.topics import EVALUATION_EVENTS, Topic


class _Evaluation(EventData):
    topic: ClassVar[Topic] = EVALUATION_EVENTS


class AssessmentRecordedV1(_Evaluation):
    """Evidence for a stage was recorded: a score, a fact or a rubric assessment. A later
    record for the same evidence, attempt and assessor supersedes this one."""

    type: ClassVar[str] = "traintrack.evaluation.assessment-recorded.v1"

    trainee_id: str
    stage: int = Field(ge=1)
    attempt: int = Field(ge=0)
    evidence: str = Field(description="The evidence name, or 'rubric' for a rubric score.")
    value: float
    side: Literal["institute", "firm"]
    recorded_at: datetime


class StagePassedV1(_Evaluation):
    """A trainee passed a stage; `unlocks` is what the pass opens (hiring support)."""

    type: ClassVar[str] = "traintrack.evaluation.stage-passed.v1"

    trainee_id: str
    stage: int = Field(ge=1)
    stage_name: str
    attempt: int = Field(ge=1)
    scheme_id: str
    scheme_version: int
    unlocks: list[str]
    decided_at: datetime


class StageFailedV1(_Evaluation):
    """A stage attempt failed; `attempts_left` says whether it may be tried again."""

    type: ClassVar[str] = "traintrack.evaluation.stage-failed.v1"

    trainee_id: str
    stage: int = Field(ge=1)
    attempt: int = Field(ge=1)
    attempts_left: int = Field(ge=0)
    shortfalls: list[str]
    scheme_id: str
    scheme_version: int
    decided_at: datetime


class StagePassWithdrawnV1(_Evaluation):
    """A stage passed earlier no longer holds (a corrected score, a changed basis)."""

    type: ClassVar[str] = "traintrack.evaluation.stage-pass-withdrawn.v1"

    trainee_id: str
    stage: int = Field(ge=1)
    scheme_id: str
    scheme_version: int
    decided_at: datetime


class CertifiedV1(_Evaluation):
    """The trainee passed every stage; a signed credential was issued."""

    type: ClassVar[str] = "traintrack.evaluation.certified.v1"

    trainee_id: str
    credential_id: str
    scheme_id: str
    scheme_version: int
    issued_at: datetime
    valid_until: datetime


class CertificationRevokedV1(_Evaluation):
    """A credential was revoked; every firm that received the candidate must hear of it."""

    type: ClassVar[str] = "traintrack.evaluation.certification-revoked.v1"

    trainee_id: str
    credential_id: str
    reason: str
    revoked_at: datetime
