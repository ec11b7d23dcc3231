"""Request and response bodies of the outcomes API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from traintrack.contracts.outcomes import OutcomeKind
from traintrack.platform.web.models import RequestModel


class OutcomeReportIn(RequestModel):
    trainee_id: str = Field(min_length=1, max_length=64)
    kind: OutcomeKind
    starts_on: date = Field(description="Start of the job, start-up or study; else the date seen.")
    ends_on: date | None = None
    employer: str | None = Field(default=None, min_length=1, max_length=200)
    insured: bool | None = Field(default=None, description="Covered by employment insurance.")
    employment_type: Literal["permanent", "fixed_term", "part_time"] | None = None
    monthly_earnings: int | None = Field(default=None, ge=0, le=1_000_000_000)
    exclusion_reason: Literal["deceased", "medical", "military", "other"] | None = None
    corrects: str | None = Field(default=None, max_length=64)

    def missing(self) -> tuple[str, str] | None:
        """The field this kind of report needs and lacks, with why."""
        if self.kind == "employed" and self.employer is None:
            return "employer", "an employment report names the employer"
        if self.kind == "employed" and self.insured is None:
            return "insured", "an employment report says whether it is insured"
        if self.kind == "excluded" and self.exclusion_reason is None:
            return "exclusion_reason", "an exclusion says why"
        if self.ends_on is not None and self.ends_on < self.starts_on:
            return "ends_on", "must not be before starts_on"
        return None


class OutcomeReportOut(BaseModel):
    report_id: str
    trainee_id: str
    kind: str
    reported_by: str


class DefinitionOut(BaseModel):
    id: str
    version: int
    latest: bool = Field(description="The version figures use unless another is asked for.")
    family: str
    unit: str
    title: dict[str, str]
    population: str = Field(description="Whose enrollments the figure is about.")
    statuses: list[str] | None = Field(
        description="The trainee statuses (when enrolling) admitted; null: every status."
    )
    numerator: str
    denominator: str
    employment_rule: str | None = Field(description="Which jobs count, where jobs count.")
    exclusions: str


class IndicatorCell(BaseModel):
    as_of: date
    group_by: str
    group: str
    indicator: str
    version: int
    family: str
    unit: str
    value: float | None
    numerator: int | None = Field(description="Enrollments counted (null when withheld).")
    denominator: int | None
    excluded: int | None = Field(description="Enrollments excluded (null in public views).")
    pending: int | None = Field(
        description="Enrollments whose measurement window has not closed yet (null in public "
        "views)."
    )
    suppressed: bool = Field(
        description="Withheld in a public view: about fewer than 5 people, or a complement "
        "that stops a withheld cell being recovered from published ones."
    )


class ImportMark(BaseModel):
    event_id: str
    import_id: str
    imported_by: str


class LineageTrainee(BaseModel):
    trainee_id: str
    enrollment_id: str
    cohort_id: str
    in_numerator: bool
    in_denominator: bool
    excluded: str | None
    pending: bool
    erased: bool
    events: list[str]
    imported: list[ImportMark] = Field(
        description="Those of `events` brought in by a history import, with who ran it."
    )


class Lineage(IndicatorCell):
    trainees: list[LineageTrainee]


class FunnelRow(BaseModel):
    group: str
    steps: dict[str, int | None]
    suppressed: bool
    notes: dict[str, str] = Field(
        description="For each step larger than the step before it, the reason it can be."
    )


class RecordError(BaseModel):
    line: int
    field: str
    message: str


class HistoryImportReport(BaseModel):
    import_id: str
    records: int
    imported: int = Field(description="Records new to the platform, kept now.")
    already_known: int = Field(description="Records imported before: nothing changed.")
    rejected: int
    errors: list[RecordError]


class EnrollmentView(BaseModel):
    enrollment_id: str
    institute_id: str
    cohort_id: str
    enrolled_on: date
    event_time: datetime
    recorded_at: datetime
    source_event_id: str


class TraineeView(BaseModel):
    trainee_id: str
    institute_id: str
    region_code: str
    birth_year: int
    status: str
    registered_at: datetime
    enrollments: list[EnrollmentView]
