"""The worker's one line per followed enrollment fact: the command it becomes."""

from datetime import date

from tests.utils import factories
from traintrack.contracts import enrollment as facts
from traintrack.contracts.enrollment_v1 import AttendanceRecordedV1
from traintrack.evaluation import commands as c
from traintrack.evaluation.entrypoints.worker import COMMANDS


def command_of(event):
    return COMMANDS[type(event)](event)


def test_each_followed_fact_becomes_its_command():
    about = {"trainee_id": "tr-1", "enrollment_id": "en-1", "cohort_id": "c-1"}
    assert command_of(
        factories.cohort_opened(cohort_id="c-1", programme_id="p-1", institute_id="inst-a")
    ) == c.OpenCohort("c-1", "p-1", "inst-a")
    assert command_of(
        factories.trainee_enrolled(**about, institute_id="inst-a")
    ) == c.AddEnrollment("en-1", "tr-1", "c-1", "inst-a")
    assert command_of(
        facts.AttendanceRecorded(
            **about, day=date(2026, 9, 30), status="present", rate_to_date=0.9, month_rate=0.8
        )
    ) == c.RecordAttendance("en-1", 0.9)
    assert command_of(
        AttendanceRecordedV1(
            **about, day=date(2026, 9, 29), status="late", rate_to_date=0.85, month_rate=0.8
        )
    ) == c.RecordAttendance("en-1", 0.85)
    assert command_of(
        facts.EnrollmentCompleted(
            **about, completed_on=date(2027, 2, 26), attendance_rate=0.91, early_employment=False
        )
    ) == c.EndEnrollment("en-1", "completed", 0.91)
    assert command_of(
        facts.EnrollmentNotCompleted(
            **about, ended_on=date(2027, 2, 26), attendance_rate=0.7, decided_on=date(2027, 3, 5)
        )
    ) == c.EndEnrollment("en-1", "not_completed", 0.7)
    assert command_of(
        facts.EnrollmentDropped(**about, dropped_on=date(2026, 10, 1), reason="personal")
    ) == c.EndEnrollment("en-1", "dropped", None)


def test_the_worker_follows_exactly_these_facts():
    assert set(COMMANDS) == {
        facts.CohortOpened,
        facts.TraineeEnrolled,
        facts.AttendanceRecorded,
        AttendanceRecordedV1,
        facts.EnrollmentCompleted,
        facts.EnrollmentNotCompleted,
        facts.EnrollmentDropped,
    }
