"""Contract events <-> the outcomes domain: an event as the fact it records, a registration
or an enrollment as an entry of the trainee view, a history record as the event it is
imported as."""

from __future__ import annotations

from datetime import UTC, datetime, time

from traintrack.contracts.codec import Envelope
from traintrack.contracts.enrollment import CohortOpened, TraineeEnrolled, TraineeRegistered
from traintrack.contracts.outcomes import HistoryRecordImported
from traintrack.outcomes.adapters.history import Record
from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.domain.trainees import EnrollmentEntry, TraineeEntry


def kind_of(event_type: str) -> str:
    """`traintrack.enrollment.trainee-enrolled.v1` -> `trainee-enrolled`."""
    return event_type.split(".")[2]


def as_fact(event: Envelope) -> Fact:
    data = event.data
    if isinstance(data, HistoryRecordImported):
        return imported_fact(event.id, data)
    subject = data.cohort_id if isinstance(data, CohortOpened) else data.partition_key()
    return Fact(event.id, kind_of(event.type), subject, event.time, data.model_dump(mode="json"))


def imported_fact(event_id: str, data: HistoryRecordImported) -> Fact:
    """A migrated record is the fact it stands for, known from when it was first reported."""
    return Fact(
        event_id,
        kind_of(data.record_type),
        data.subject_id,
        datetime.combine(data.reported_on, time.min, tzinfo=UTC),
        data.record,
        (data.import_id, data.imported_by),
    )


def history_record_imported(import_id: str, by: str, r: Record) -> HistoryRecordImported:
    return HistoryRecordImported(
        import_id=import_id,
        imported_by=by,
        line=r.line,
        record_type=r.data.type,
        subject_id=r.subject,
        record=r.data.model_dump(mode="json"),
        occurred_on=r.occurred_on,
        reported_on=r.reported_on,
    )


def trainee_entry(event: Envelope) -> TraineeEntry:
    data = event.data
    assert isinstance(data, TraineeRegistered)
    return TraineeEntry(
        data.trainee_id,
        data.institute_id,
        data.birth_year,
        data.region_code,
        data.status,
        data.registered_at,
        event.id,
    )


def enrollment_entry(event: Envelope) -> EnrollmentEntry:
    data = event.data
    assert isinstance(data, TraineeEnrolled)
    return EnrollmentEntry(
        data.enrollment_id,
        data.trainee_id,
        data.institute_id,
        data.cohort_id,
        data.enrolled_on,
        event.time,
        event.id,
    )
