"""Factories for test data, in one place."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from traintrack.contracts.base import EventData
from traintrack.contracts.enrollment import (
    CohortOpened,
    TraineeEnrolled,
    TraineeRegistered,
)


def trainee_id() -> str:
    return f"tr-test-{uuid.uuid4().hex[:12]}"


def trainee_registered(**overrides: Any) -> TraineeRegistered:
    values: dict[str, Any] = {
        "trainee_id": trainee_id(),
        "institute_id": "inst-test",
        "birth_year": 1999,
        "region_code": "30",
        "status": "job_seeker",
        "consent_share_with_firms": True,
        "registered_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    }
    return TraineeRegistered(**{**values, **overrides})


def trainee_enrolled(**overrides: Any) -> TraineeEnrolled:
    values: dict[str, Any] = {
        "trainee_id": trainee_id(),
        "enrollment_id": f"en-test-{uuid.uuid4().hex[:12]}",
        "institute_id": "inst-test",
        "cohort_id": "kdt-ai-2026-1",
        "enrolled_on": date(2026, 3, 2),
    }
    return TraineeEnrolled(**{**values, **overrides})


def cohort_opened(**overrides: Any) -> CohortOpened:
    values: dict[str, Any] = {
        "cohort_id": "c-1",
        "programme_id": "p-1",
        "programme_name": "AI",
        "institute_id": "inst",
        "region_code": "30",
        "track": "k_digital_training",
        "field": "AI",
        "hours": 960,
        "project_work_share": 0.4,
        "capacity": 30,
        "starts_on": date(2026, 3, 2),
        "ends_on": date(2026, 8, 28),
    }
    return CohortOpened(**{**values, **overrides})


def trainee_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "birth_year": 1998,
        "region_code": "11",
        "status": "job_seeker",
        "consent_share_with_firms": True,
        "name": "김서연",
        "email": "seoyeon@example.org",
    }
    return {**body, **overrides}


def samples() -> dict[str, EventData]:
    """One valid instance of every contract, by event type."""
    from traintrack.contracts import enrollment as e
    from traintrack.contracts import submissions as s

    trainee, enrollment_id = trainee_id(), "en-1"
    ids = {"trainee_id": trainee, "enrollment_id": enrollment_id}
    made: list[EventData] = [
        trainee_registered(trainee_id=trainee),
        trainee_enrolled(trainee_id=trainee),
        cohort_opened(),
        e.ConsentChanged(
            trainee_id=trainee, share_with_firms=False, changed_at=datetime(2026, 4, 1, tzinfo=UTC)
        ),
        e.AttendanceRecorded(
            **ids,
            cohort_id="c-1",
            day=date(2026, 3, 3),
            status="late",
            rate_to_date=0.95,
            month_rate=1.0,
        ),
        e.AttendanceAtRisk(
            **ids,
            cohort_id="c-1",
            scope="month",
            period="2026-03",
            best_possible_rate=0.77,
            detected_on=date(2026, 3, 20),
        ),
        e.EnrollmentCompleted(
            **ids,
            cohort_id="c-1",
            completed_on=date(2026, 8, 28),
            attendance_rate=0.91,
            early_employment=False,
        ),
        e.EnrollmentDropped(**ids, cohort_id="c-1", dropped_on=date(2026, 5, 2), reason="health"),
        e.EnrollmentNotCompleted(
            **ids,
            cohort_id="c-1",
            ended_on=date(2026, 8, 28),
            attendance_rate=0.74,
            decided_on=date(2026, 9, 4),
        ),
        e.SurveySubmitted(**ids, cohort_id="c-1", score=93, submitted_on=date(2026, 8, 28)),
        e.TraineeErased(trainee_id=trainee, erased_at=datetime(2026, 9, 1, tzinfo=UTC)),
        s.RecordAttendance(
            **ids,
            day=date(2026, 3, 3),
            status="present",
            check_in=time(8, 58),
            check_out=time(18, 2),
        ),
        s.SubmitSurvey(**ids, score=88, submitted_on=date(2026, 8, 28)),
        s.CompleteEnrollment(**ids, completed_on=date(2026, 8, 28)),
        s.DropEnrollment(**ids, dropped_on=date(2026, 5, 2), reason="personal"),
        s.ChangeConsent(trainee_id=trainee, share_with_firms=True),
        *evaluation_samples(trainee),
        *matching_samples(trainee),
        outcome_reported(trainee_id=trainee),
        history_record_imported(),
    ]
    return {event.type: event for event in made}


def evaluation_samples(trainee: str) -> list[EventData]:
    from traintrack.contracts import evaluation as v

    at = datetime(2026, 9, 1, tzinfo=UTC)
    ids = {"trainee_id": trainee, "enrollment_id": "en-1", "cohort_id": "c-1"}
    scheme = {"scheme_id": "kdt-4-stage", "scheme_version": 1}
    return [
        v.AssessmentRecorded(
            **ids, stage=3, attempt=1, evidence="rubric", value=81.5, side="firm", recorded_at=at
        ),
        v.StagePassed(
            **ids,
            stage=1,
            stage_name="Foundation",
            attempt=1,
            unlocks=["cloud_onboarding"],
            decided_at=at,
            **scheme,
        ),
        v.StageFailed(
            **ids,
            stage=2,
            attempt=1,
            attempts_left=1,
            shortfalls=["module_test"],
            decided_at=at,
            **scheme,
        ),
        v.StagePassWithdrawn(**ids, stage=2, decided_at=at, **scheme),
        v.Certified(
            **ids,
            credential_id="c-1",
            programme_id="p-1",
            issued_at=at,
            valid_until=datetime(2029, 9, 1, tzinfo=UTC),
            **scheme,
        ),
        v.CertificationRevoked(
            **ids, credential_id="c-1", cause="manual", reason="plagiarism", revoked_at=at
        ),
        v.CertificationReinstated(
            **ids, credential_id="c-1", reason="appeal upheld", reinstated_at=at
        ),
        *evaluation_v1_samples(trainee),
        enrollment_v1_sample(trainee),
    ]


def enrollment_v1_sample(trainee: str) -> EventData:
    """Attendance as enrollment.events.v1 carried it before its own topic: still read."""
    from traintrack.contracts.enrollment_v1 import AttendanceRecordedV1

    return AttendanceRecordedV1(
        trainee_id=trainee,
        enrollment_id="en-1",
        cohort_id="c-1",
        day=date(2026, 3, 2),
        status="present",
        rate_to_date=1.0,
        month_rate=1.0,
    )


def evaluation_v1_samples(trainee: str) -> list[EventData]:
    """Version 1, about the trainee: no longer written, still read from the topic's history."""
    from traintrack.contracts import evaluation_v1 as v

    at = datetime(2026, 9, 1, tzinfo=UTC)
    scheme = {"scheme_id": "kdt-4-stage", "scheme_version": 1}
    return [
        v.AssessmentRecordedV1(
            trainee_id=trainee,
            stage=3,
            attempt=1,
            evidence="rubric",
            value=81.5,
            side="firm",
            recorded_at=at,
        ),
        v.StagePassedV1(
            trainee_id=trainee,
            stage=1,
            stage_name="Foundation",
            attempt=1,
            unlocks=["cloud_onboarding"],
            decided_at=at,
            **scheme,
        ),
        v.StageFailedV1(
            trainee_id=trainee,
            stage=2,
            attempt=1,
            attempts_left=1,
            shortfalls=["module_test"],
            decided_at=at,
            **scheme,
        ),
        v.StagePassWithdrawnV1(trainee_id=trainee, stage=2, decided_at=at, **scheme),
        v.CertifiedV1(
            trainee_id=trainee,
            credential_id="c-1",
            issued_at=at,
            valid_until=datetime(2029, 9, 1, tzinfo=UTC),
            **scheme,
        ),
        v.CertificationRevokedV1(
            trainee_id=trainee, credential_id="c-1", reason="corrected", revoked_at=at
        ),
    ]


def matching_samples(trainee: str) -> list[EventData]:
    from traintrack.contracts import matching as m

    at = datetime(2026, 10, 1, tzinfo=UTC)
    offer = {"offer_id": "offer-1", "trainee_id": trainee, "opening_id": "op-1", "firm_id": "f"}
    internship = {"internship_id": "intern-1", "trainee_id": trainee, "firm_id": "f"}
    return [
        m.OpeningPublished(
            opening_id="op-1",
            firm_id="f",
            title="Data intern",
            skills=["python"],
            region_code="30",
            seats=2,
            minimum_stage=3,
            starts_on=date(2026, 12, 1),
            ends_on=date(2027, 2, 26),
            published_at=at,
        ),
        m.CandidateDelivered(
            trainee_id=trainee,
            firm_id="f",
            reason="subscription",
            subscription_id="s-1",
            stage_reached=3,
            delivered_at=at,
        ),
        m.CandidateWithdrawn(
            trainee_id=trainee, firm_id="f", reason="consent_withdrawn", withdrawn_at=at
        ),
        m.RoundCompleted(
            round_id="r-1",
            candidates=10,
            openings=2,
            matched=3,
            seats=3,
            blocking_pairs=0,
            completed_at=at,
        ),
        m.OfferMade(**offer, round_id="r-1", expires_at=at, made_at=at),
        m.OfferAccepted(**offer, settled_at=at, institute_id="inst"),
        m.OfferDeclined(**offer, settled_at=at),
        m.OfferExpired(**offer, settled_at=at),
        m.InternshipStarted(**internship, opening_id="op-1", started_on=date(2026, 12, 1)),
        m.InternshipCompleted(**internship, completed_on=date(2027, 2, 26), converted=True),
        m.Hired(
            **internship, starts_on=date(2027, 3, 2), employment_type="permanent", insured=True
        ),
    ]


def outcome_reported(**overrides: Any) -> EventData:
    from traintrack.contracts.outcomes import OutcomeReported

    values: dict[str, Any] = {
        "report_id": f"rep-{uuid.uuid4().hex[:12]}",
        "trainee_id": trainee_id(),
        "kind": "employed",
        "starts_on": date(2026, 9, 1),
        "employer": "클라우드나인",
        "insured": True,
        "employment_type": "permanent",
        "monthly_earnings": 3_100_000,
        "reported_by": "institute",
        "reporter_id": "inst-test",
        "reported_at": datetime(2026, 9, 20, tzinfo=UTC),
    }
    return OutcomeReported(**{**values, **overrides})


def history_record_imported(**overrides: Any) -> EventData:
    from traintrack.contracts.outcomes import HistoryRecordImported

    values: dict[str, Any] = {
        "import_id": "imp-1",
        "imported_by": "platform",
        "line": 1,
        "record_type": "traintrack.enrollment.survey-submitted.v1",
        "subject_id": "hist-0001",
        "record": {"trainee_id": "hist-0001", "enrollment_id": "hist-e-0001",
                   "cohort_id": "hist-c-2021-1", "score": 91, "submitted_on": "2021-06-30"},
        "occurred_on": date(2021, 6, 30),
        "reported_on": date(2021, 7, 2),
    }  # fmt: skip
    return HistoryRecordImported(**{**values, **overrides})
