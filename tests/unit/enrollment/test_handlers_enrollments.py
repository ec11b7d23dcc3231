"""Handlers of enrollments: applying, admitting, completing, dropping, surveys."""

from datetime import date

import pytest

from tests.unit.enrollment.conftest import (
    FIRST,
    INSTITUTE,
    LAST,
    OTHER,
    enrolled,
    handle,
    trainee,
    training_days,
)
from traintrack.contracts import enrollment as contracts
from traintrack.contracts.vocabulary import AttendanceStatus, DropReason
from traintrack.enrollment.commands import (
    AdmitEnrollment,
    ApplyEnrollment,
    CompleteEnrollment,
    DropEnrollment,
    SubmitSurvey,
)
from traintrack.enrollment.domain.attendance import AttendanceDay
from traintrack.enrollment.domain.enrollments import EnrollmentStatus
from traintrack.platform.errors import Conflict, NotFound, Rejected


async def test_an_admitted_application_takes_a_seat_and_announces_the_trainees_status(uow):
    trainee(uow)
    made = await handle(uow, ApplyEnrollment(INSTITUTE, "tr-1", "c-a", date(2026, 3, 20)))
    assert (made.status, made.enrolled_on) == (EnrollmentStatus.ENROLLED, FIRST)
    assert uow.catalogue.locked == ["c-a"]  # seats are counted under the cohort's lock
    [enrolled_event] = uow.published
    assert isinstance(enrolled_event, contracts.TraineeEnrolled)
    assert (
        enrolled_event.enrollment_id,
        enrolled_event.cohort_id,
        enrolled_event.enrolled_on,
        enrolled_event.trainee_status,
    ) == (made.enrollment_id, "c-a", FIRST, "job_seeker")


async def test_a_pending_application_is_kept_unannounced_until_admitted(uow):
    trainee(uow)
    applied = await handle(
        uow, ApplyEnrollment(INSTITUTE, "tr-1", "c-a", date(2026, 3, 20), admit=False)
    )
    assert applied.status is EnrollmentStatus.APPLIED and uow.published == []
    admitted = await handle(
        uow, AdmitEnrollment(INSTITUTE, applied.enrollment_id, date(2026, 4, 7))
    )
    assert (admitted.status, admitted.enrolled_on) == (EnrollmentStatus.ENROLLED, date(2026, 4, 7))
    assert uow.enrollments.enrollments[applied.enrollment_id] == admitted
    [event] = uow.published
    assert (event.enrollment_id, event.enrolled_on) == (applied.enrollment_id, date(2026, 4, 7))


async def test_a_full_cohort_and_a_second_enrollment_in_it_are_conflicts(uow):
    enrolled(uow, "en-1", "tr-1")
    enrolled(uow, "en-2", "tr-2")
    trainee(uow, "tr-3")
    with pytest.raises(Conflict, match="full"):
        await handle(uow, ApplyEnrollment(INSTITUTE, "tr-3", "c-a", date(2026, 3, 20)))
    with pytest.raises(Conflict, match="already enrolled"):
        await handle(uow, ApplyEnrollment(INSTITUTE, "tr-1", "c-a", date(2026, 3, 20), admit=False))
    assert uow.published == []


async def test_another_institutes_trainee_or_cohort_is_not_found(uow):
    trainee(uow)
    trainee(uow, "tr-b", "inst-b")
    with pytest.raises(NotFound, match="cohort c-b"):
        await handle(uow, ApplyEnrollment(INSTITUTE, "tr-1", "c-b", date(2026, 3, 20)))
    with pytest.raises(NotFound, match="trainee tr-b"):
        await handle(uow, ApplyEnrollment(INSTITUTE, "tr-b", "c-a", date(2026, 3, 20)))
    with pytest.raises(NotFound, match="enrollment en-1"):
        await handle(uow, AdmitEnrollment(OTHER, "en-1", FIRST))


async def test_completion_at_80_percent_is_announced_with_the_course_rate(uow):
    enrolled(uow)
    days = training_days()
    await uow.attendance.upsert(
        [("en-1", AttendanceDay(d, AttendanceStatus.PRESENT)) for d in days[:8]]
    )
    done = await handle(uow, CompleteEnrollment(INSTITUTE, "tr-1", "en-1", LAST))
    assert (done.status, done.ended_on) == (EnrollmentStatus.COMPLETED, LAST)
    assert uow.enrollments.locked == ["en-1"]
    [completed] = uow.published
    assert isinstance(completed, contracts.EnrollmentCompleted)
    assert (completed.attendance_rate, completed.early_employment, completed.hired_on) == (
        0.8,
        False,
        None,
    )


async def test_completion_below_80_percent_is_refused(uow):
    enrolled(uow)
    with pytest.raises(Rejected, match="below 80") as refused:
        await handle(uow, CompleteEnrollment(INSTITUTE, "tr-1", "en-1", LAST))
    assert refused.value.field == "attendance"
    assert uow.enrollments.enrollments["en-1"].status is EnrollmentStatus.ENROLLED


async def test_early_employment_completes_with_the_rate_up_to_the_hiring_day(uow):
    enrolled(uow)
    days = training_days()
    await uow.attendance.upsert(
        [("en-1", AttendanceDay(d, AttendanceStatus.PRESENT)) for d in days[:3]]
        + [("en-1", AttendanceDay(days[3], AttendanceStatus.ABSENT))]
    )
    done = await handle(uow, CompleteEnrollment(INSTITUTE, "tr-1", "en-1", LAST, hired_on=days[3]))
    assert (done.status, done.ended_on, done.hired_on) == (
        EnrollmentStatus.COMPLETED_EARLY_EMPLOYMENT,
        days[3],
        days[3],
    )
    [completed] = uow.published
    assert (completed.attendance_rate, completed.early_employment) == (0.75, True)


async def test_a_submission_naming_another_trainee_is_not_found(uow):
    enrolled(uow)
    with pytest.raises(NotFound, match="enrollment en-1"):
        await handle(uow, CompleteEnrollment(INSTITUTE, "tr-9", "en-1", LAST))
    with pytest.raises(NotFound):
        await handle(uow, DropEnrollment(OTHER, "tr-1", "en-1", LAST, "personal"))


async def test_a_drop_out_keeps_its_day_and_reason(uow):
    enrolled(uow)
    dropped = await handle(
        uow, DropEnrollment(INSTITUTE, "tr-1", "en-1", date(2026, 4, 9), "health")
    )
    assert (dropped.status, dropped.ended_on, dropped.drop_reason) == (
        EnrollmentStatus.DROPPED,
        date(2026, 4, 9),
        DropReason.HEALTH,
    )
    [event] = uow.published
    assert isinstance(event, contracts.EnrollmentDropped)
    assert (event.dropped_on, event.reason) == (date(2026, 4, 9), "health")
    with pytest.raises(Conflict):
        await handle(uow, DropEnrollment(INSTITUTE, "tr-1", "en-1", date(2026, 4, 10), "other"))


async def test_a_survey_is_kept_per_enrollment_and_announced(uow):
    enrolled(uow)
    await handle(uow, SubmitSurvey(INSTITUTE, "tr-1", "en-1", 70, date(2026, 4, 17)))
    await handle(uow, SubmitSurvey(INSTITUTE, "tr-1", "en-1", 90, date(2026, 4, 18)))
    assert uow.enrollments.surveys == {"en-1": (90, date(2026, 4, 18))}
    assert [(e.score, e.submitted_on) for e in uow.published] == [
        (70, date(2026, 4, 17)),
        (90, date(2026, 4, 18)),
    ]


async def test_the_same_survey_sent_again_changes_nothing_and_announces_nothing(uow):
    enrolled(uow)
    survey = SubmitSurvey(INSTITUTE, "tr-1", "en-1", 70, date(2026, 4, 17))
    await handle(uow, survey)
    await handle(uow, survey)
    assert uow.enrollments.surveys == {"en-1": (70, date(2026, 4, 17))}
    assert [(e.score, e.submitted_on) for e in uow.published] == [(70, date(2026, 4, 17))]


async def test_a_dropped_or_pending_enrollment_takes_no_survey(uow):
    enrolled(uow, "en-1", "tr-1", status=EnrollmentStatus.DROPPED)
    enrolled(uow, "en-2", "tr-2", status=EnrollmentStatus.APPLIED)
    for enrollment_id, trainee_id in (("en-1", "tr-1"), ("en-2", "tr-2")):
        with pytest.raises(Conflict) as refused:
            await handle(uow, SubmitSurvey(INSTITUTE, trainee_id, enrollment_id, 50, LAST))
        assert refused.value.field == "enrollment_id"
    assert (uow.enrollments.surveys, uow.published) == ({}, [])
