"""Events the outcomes service emits on outcomes.events.v1. No personal details: the
employer is a business name or registration number, never the trainee's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from traintrack.contracts.base import EventData
from traintrack.contracts.topics import OUTCOMES_EVENTS, Topic

OutcomeKind = Literal["employed", "self_employed", "further_study", "not_employed", "excluded"]


class OutcomeReported(EventData):
    """An institute, a firm or an operator reported what became of a trainee. A report
    that `corrects` an earlier one replaces it from the moment it is known."""

    type: ClassVar[str] = "traintrack.outcomes.outcome-reported.v1"
    topic: ClassVar[Topic] = OUTCOMES_EVENTS

    report_id: str
    trainee_id: str
    kind: OutcomeKind
    starts_on: date = Field(
        description="Start of the job, start-up or study; the report date otherwise."
    )
    ends_on: date | None = None
    employer: str | None = None
    insured: bool | None = Field(default=None, description="Covered by employment insurance.")
    employment_type: Literal["permanent", "fixed_term", "part_time"] | None = None
    monthly_earnings: int | None = Field(default=None, ge=0, description="KRW per month.")
    exclusion_reason: Literal["deceased", "medical", "military", "other"] | None = None
    corrects: str | None = Field(default=None, description="The report this one replaces.")
    reported_by: Literal["institute", "firm", "operator"]
    reporter_id: str
    reported_at: datetime


class HistoryRecordImported(EventData):
    """An operator imported a record of a programme's history (migrated years): a cohort,
    an enrollment, its ending, a survey or an outcome report, with the date it happened
    and the date the programme originally learnt it, so figures "as known on D" hold for
    those years too. `record` has the shape of the contract `record_type` names."""

    type: ClassVar[str] = "traintrack.outcomes.history-record-imported.v1"
    topic: ClassVar[Topic] = OUTCOMES_EVENTS
    key_field: ClassVar[str] = "subject_id"

    import_id: str
    imported_by: str = Field(description="The operator key's tenant that ran the import.")
    line: int = Field(ge=1, description="The record's line in the imported file.")
    record_type: str = Field(description="The event type the record has the shape of.")
    subject_id: str = Field(description="The trainee id, or the cohort id for a cohort.")
    record: dict[str, Any]
    occurred_on: date
    reported_on: date = Field(description="When the programme originally learnt it.")
