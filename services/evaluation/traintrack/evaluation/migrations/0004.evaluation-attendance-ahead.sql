-- depends: 0003.evaluation-status-lists
-- Attendance has a topic of its own (enrollment.attendance.v1), read apart from the
-- enrollment it is about (enrollment.events.v1), so it can arrive first: its latest rate
-- waits here until the enrollment is known, which takes it (EnrollmentRepository.add).
CREATE TABLE attendance_ahead (
    enrollment_id text PRIMARY KEY,
    rate          double precision NOT NULL
);
