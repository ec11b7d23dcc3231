"""Events the outcomes service emits on outcomes.events.v1. No personal details: the
employer is a business name or registration number, never the trainee's."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import Field

from traintrack_shared.contracts.base import EventData
from traintrack_shared.topics import OUTCOMES_EVENTS, Topic

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
