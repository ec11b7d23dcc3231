"""The worker's side of the commands: each run of events of one type becomes one command
holding the facts (and trainee view entries) the events stand for."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.utils import factories
from traintrack.contracts import codec
from traintrack.contracts.base import EventData
from traintrack.contracts.codec import Envelope
from traintrack.contracts.enrollment import TraineeEnrolled, TraineeRegistered
from traintrack.outcomes import commands as c
from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.domain.trainees import EnrollmentEntry, TraineeEntry
from traintrack.outcomes.entrypoints.worker import COMMANDS, command_for

AT = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def envelope(data: EventData, event_id: str) -> Envelope:
    cloudevent = codec.to_cloudevent(data, source="/t", event_id=event_id, time=AT)
    return codec.decode(codec.encode(cloudevent))


def test_a_run_of_registrations_is_one_command_with_their_facts_and_trainee_entries():
    a = factories.trainee_registered(trainee_id="t-1", institute_id="inst-a")
    b = factories.trainee_registered(trainee_id="t-2", institute_id="inst-b", birth_year=2001)
    command = command_for([envelope(a, "e-1"), envelope(b, "e-2")])
    assert isinstance(command, c.RecordRegistrations)
    assert [(f.event_id, f.kind, f.subject, f.known_at) for f in command.facts] == [
        ("e-1", "trainee-registered", "t-1", AT),
        ("e-2", "trainee-registered", "t-2", AT),
    ]
    registered = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert command.trainees == (
        TraineeEntry("t-1", "inst-a", 1999, "30", "job_seeker", registered, "e-1"),
        TraineeEntry("t-2", "inst-b", 2001, "30", "job_seeker", registered, "e-2"),
    )


def test_an_enrollment_is_a_fact_and_a_trainee_view_entry_timed_by_its_event():
    enrolled = factories.trainee_enrolled(
        trainee_id="t-1", enrollment_id="en-1", institute_id="inst-a", cohort_id="c-1"
    )
    command = command_for([envelope(enrolled, "e-3")])
    assert isinstance(command, c.RecordEnrollments)
    assert command.enrollments == (
        EnrollmentEntry("en-1", "t-1", "inst-a", "c-1", date(2026, 3, 2), AT, "e-3"),
    )
    assert command.facts[0].data["enrollment_id"] == "en-1"


def test_a_cohort_is_a_fact_about_the_cohort_and_an_imported_record_the_fact_it_stands_for():
    opened = command_for([envelope(factories.cohort_opened(cohort_id="c-9"), "e-4")])
    assert isinstance(opened, c.RecordFacts)
    assert [(f.kind, f.subject) for f in opened.facts] == [("cohort-opened", "c-9")]
    imported = command_for([envelope(factories.history_record_imported(), "e-5")])
    assert isinstance(imported, c.RecordFacts)
    assert imported.facts == (
        Fact(
            "e-5",
            "survey-submitted",
            "hist-0001",
            datetime(2021, 7, 2, tzinfo=UTC),  # when it was first reported, not imported
            {"trainee_id": "hist-0001", "enrollment_id": "hist-e-0001",
             "cohort_id": "hist-c-2021-1", "score": 91, "submitted_on": "2021-06-30"},
            ("imp-1", "platform"),
        ),
    )  # fmt: skip


def test_the_worker_takes_every_event_an_indicator_needs_and_leaves_the_rest():
    assert {TraineeRegistered.type, TraineeEnrolled.type} <= set(COMMANDS)
    assert "traintrack.outcomes.outcome-reported.v1" in COMMANDS
    assert "traintrack.matching.hired.v1" in COMMANDS
    assert "traintrack.matching.offer-made.v1" not in COMMANDS
    assert "traintrack.enrollment.attendance-recorded.v2" not in COMMANDS
    assert "traintrack.enrollment.attendance-recorded.v1" not in COMMANDS
