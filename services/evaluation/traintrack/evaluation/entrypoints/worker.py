"""The evaluation worker: enrollment's facts become commands, each run in the consumer's
transaction (where its inbox claim lives); the platform's EventConsumer owns the inbox and
the DLQ."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from traintrack.contracts import enrollment as facts
from traintrack.contracts.base import EventData
from traintrack.contracts.enrollment_v1 import AttendanceRecordedV1
from traintrack.contracts.topics import ENROLLMENT_ATTENDANCE, ENROLLMENT_EVENTS
from traintrack.evaluation import commands as c
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.streams import StreamApp, consume

# Each enrollment fact the evaluation service follows, as the command it brings.
COMMANDS: Mapping[type[EventData], Callable[[Any], object]] = {
    facts.CohortOpened: lambda e: c.OpenCohort(e.cohort_id, e.programme_id, e.institute_id),
    facts.TraineeEnrolled: lambda e: c.AddEnrollment(
        e.enrollment_id, e.trainee_id, e.cohort_id, e.institute_id
    ),
    facts.AttendanceRecorded: lambda e: c.RecordAttendance(e.enrollment_id, e.rate_to_date),
    # Attendance of before enrollment.attendance.v1, still on enrollment.events.v1.
    AttendanceRecordedV1: lambda e: c.RecordAttendance(e.enrollment_id, e.rate_to_date),
    facts.EnrollmentCompleted: lambda e: c.EndEnrollment(
        e.enrollment_id, "completed", e.attendance_rate
    ),
    facts.EnrollmentNotCompleted: lambda e: c.EndEnrollment(
        e.enrollment_id, "not_completed", e.attendance_rate
    ),
    facts.EnrollmentDropped: lambda e: c.EndEnrollment(e.enrollment_id, "dropped", None),
}

# Applied a run at a time (bootstrap.batch_event_handlers).
ATTENDANCE = (facts.AttendanceRecorded, AttendanceRecordedV1)


def add_agents(app: StreamApp, build: Callable[[], Awaitable[EventConsumer]]) -> None:
    consume(app, ENROLLMENT_EVENTS, agent_name="follow_enrollment_facts", build=build)
    consume(app, ENROLLMENT_ATTENDANCE, agent_name="follow_attendance", build=build, batch=500)
