"""Domain objects to event contracts: the one place that decides what leaves the service.

Personal details never appear here.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from traintrack.contracts import enrollment as contracts
from traintrack.contracts.vocabulary import AttendanceStatus, TraineeStatus
from traintrack.enrollment.domain.attendance import PeriodSummary, Risk
from traintrack.enrollment.domain.catalogue import Cohort, Institute, Programme
from traintrack.enrollment.domain.enrollments import Enrollment
from traintrack.enrollment.domain.trainees import Trainee

SOURCE = "/traintrack/enrollment"


def _rate(value: Fraction) -> float:
    return round(float(value), 4)


def cohort_opened(
    cohort: Cohort, programme: Programme, institute: Institute
) -> contracts.CohortOpened:
    return contracts.CohortOpened(
        cohort_id=cohort.cohort_id,
        programme_id=programme.programme_id,
        programme_name=programme.name,
        institute_id=institute.institute_id,
        region_code=institute.region_code,
        track=programme.track,
        field=programme.field,
        hours=programme.hours,
        project_work_share=programme.project_work_share,
        capacity=cohort.capacity,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        training_site=programme.training_site,
        skills=list(programme.skills),
        closed_days=list(cohort.closed_days),
        employment_includes=list(programme.employment_includes),
    )


def trainee_registered(trainee: Trainee) -> contracts.TraineeRegistered:
    return contracts.TraineeRegistered(
        trainee_id=trainee.trainee_id,
        institute_id=trainee.institute_id,
        birth_year=trainee.birth_year,
        region_code=trainee.region_code,
        status=trainee.status,
        consent_share_with_firms=trainee.consent_share_with_firms,
        registered_at=trainee.registered_at,
    )


def consent_changed(trainee_id: str, share: bool, at: datetime) -> contracts.ConsentChanged:
    return contracts.ConsentChanged(trainee_id=trainee_id, share_with_firms=share, changed_at=at)


def trainee_erased(trainee_id: str, at: datetime) -> contracts.TraineeErased:
    return contracts.TraineeErased(trainee_id=trainee_id, erased_at=at)


def trainee_enrolled(
    enrollment: Enrollment, trainee_status: TraineeStatus
) -> contracts.TraineeEnrolled:
    """`trainee_status`: the trainee's status when enrolling (outcome populations)."""
    assert enrollment.enrolled_on is not None
    return contracts.TraineeEnrolled(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        institute_id=enrollment.institute_id,
        cohort_id=enrollment.cohort_id,
        enrolled_on=enrollment.enrolled_on,
        trainee_status=trainee_status,
    )


def attendance_recorded(
    enrollment: Enrollment,
    day: date,
    status: AttendanceStatus,
    to_date: PeriodSummary,
    month: PeriodSummary,
) -> contracts.AttendanceRecorded:
    return contracts.AttendanceRecorded(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        cohort_id=enrollment.cohort_id,
        day=day,
        status=status,
        rate_to_date=_rate(to_date.rate),
        month_rate=_rate(month.rate),
    )


def attendance_at_risk(
    enrollment: Enrollment, risk: Risk, detected_on: date
) -> contracts.AttendanceAtRisk:
    return contracts.AttendanceAtRisk(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        cohort_id=enrollment.cohort_id,
        scope=risk.scope,
        period=risk.period,
        best_possible_rate=_rate(risk.summary.best_possible),
        detected_on=detected_on,
        level=risk.level,
    )


def enrollment_completed(enrollment: Enrollment, rate: Fraction) -> contracts.EnrollmentCompleted:
    assert enrollment.ended_on is not None
    return contracts.EnrollmentCompleted(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        cohort_id=enrollment.cohort_id,
        completed_on=enrollment.ended_on,
        attendance_rate=_rate(rate),
        early_employment=enrollment.hired_on is not None,
        hired_on=enrollment.hired_on,
    )


def enrollment_not_completed(
    enrollment: Enrollment, rate: Fraction, decided_on: date
) -> contracts.EnrollmentNotCompleted:
    assert enrollment.ended_on is not None
    return contracts.EnrollmentNotCompleted(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        cohort_id=enrollment.cohort_id,
        ended_on=enrollment.ended_on,
        attendance_rate=_rate(rate),
        decided_on=decided_on,
    )


def enrollment_dropped(enrollment: Enrollment) -> contracts.EnrollmentDropped:
    assert enrollment.ended_on is not None and enrollment.drop_reason is not None
    return contracts.EnrollmentDropped(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        cohort_id=enrollment.cohort_id,
        dropped_on=enrollment.ended_on,
        reason=enrollment.drop_reason,
    )


def survey_submitted(enrollment: Enrollment, score: int, on: date) -> contracts.SurveySubmitted:
    return contracts.SurveySubmitted(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        cohort_id=enrollment.cohort_id,
        score=score,
        submitted_on=on,
    )
