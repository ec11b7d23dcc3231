"""Version 1 of attendance-recorded, on enrollment.events.v1. The enrollment service no
longer writes it (version 2 is on enrollment.attendance.v1, see `enrollment.py`); it stays
declared so that history on the topic still decodes and replays."""

from __future__ import annotations

from typing import ClassVar

from traintrack.contracts.enrollment import AttendanceRecorded
from traintrack.contracts.topics import ENROLLMENT_EVENTS, Topic


class AttendanceRecordedV1(AttendanceRecorded):
    """A training day was recorded (or corrected) for an enrollment."""

    type: ClassVar[str] = "traintrack.enrollment.attendance-recorded.v1"
    topic: ClassVar[Topic] = ENROLLMENT_EVENTS
