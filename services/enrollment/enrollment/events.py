"""Domain objects to event contracts: the one place that decides what leaves the service.

Personal details never appear here.
"""

from __future__ import annotations

from enrollment.domain.trainees import Enrollment, Trainee
from traintrack_shared.contracts.enrollment import TraineeEnrolled, TraineeRegistered

SOURCE = "/traintrack/enrollment"


def trainee_registered(trainee: Trainee) -> TraineeRegistered:
    return TraineeRegistered(
        trainee_id=trainee.trainee_id,
        institute_id=trainee.institute_id,
        birth_year=trainee.birth_year,
        region_code=trainee.region_code,  # type: ignore[arg-type]
        status=trainee.status,  # type: ignore[arg-type]
        consent_share_with_firms=trainee.consent_share_with_firms,
        registered_at=trainee.registered_at,
    )


def trainee_enrolled(enrollment: Enrollment) -> TraineeEnrolled:
    return TraineeEnrolled(
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.enrollment_id,
        institute_id=enrollment.institute_id,
        cohort_id=enrollment.cohort_id,
        enrolled_on=enrollment.enrolled_on,
    )
