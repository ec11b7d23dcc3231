"""Enrollment's facts the worker hands over as commands: cohorts, enrollments, attendance
and endings, and the re-decisions they cause, on the fake unit of work."""

import pytest

from tests.unit.evaluation.fakes import (
    OPERATOR,
    FakeEvaluationUnitOfWork,
    enrolled,
    handle,
    observed,
)
from traintrack.evaluation.commands import (
    AddEnrollment,
    AssignScheme,
    EndEnrollment,
    OpenCohort,
    PublishScheme,
    RecordAttendance,
    RecordAttendances,
    ShipDefaultScheme,
)
from traintrack.evaluation.domain.enrollment import Cohort, EnrollmentFacts
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME
from traintrack.evaluation.domain.schemes_io import scheme_to_data


@pytest.fixture
async def uow():
    uow = FakeEvaluationUnitOfWork()
    await handle(uow, ShipDefaultScheme())
    return uow


async def test_a_cohort_opens_pinned_to_its_programmes_version_and_keeps_it(uow):
    await handle(uow, OpenCohort("c-1", "p-1", "inst-a"))
    assert uow.cohorts.cohorts["c-1"] == Cohort("c-1", "p-1", "inst-a", "kdt-4-stage", 1)
    await handle(
        uow, PublishScheme(OPERATOR, "kdt-4-stage", scheme_to_data(DEFAULT_SCHEME)["stages"])
    )
    await handle(uow, AssignScheme(OPERATOR, "p-1", "kdt-4-stage", 2))
    await handle(uow, OpenCohort("c-1", "p-1", "inst-b"))  # repeated, corrected
    await handle(uow, OpenCohort("c-2", "p-1", "inst-a"))
    assert uow.cohorts.cohorts["c-1"] == Cohort("c-1", "p-1", "inst-b", "kdt-4-stage", 1)
    assert uow.cohorts.cohorts["c-2"].scheme_version == 2
    assert uow.published == []


async def test_an_enrollment_is_known_and_a_repeated_one_takes_the_new_cohort(uow):
    await handle(uow, AddEnrollment("en-1", "tr-1", "c-1", "inst-a"))
    await handle(uow, AddEnrollment("en-1", "tr-1", "c-2", "inst-a"))
    assert uow.enrollments.rows == {"en-1": EnrollmentFacts("en-1", "tr-1", "c-2", "inst-a", None)}
    assert uow.published == []


async def test_attendance_without_evidence_is_kept_but_decides_nothing(uow):
    await enrolled(uow, rate=None)
    await handle(uow, RecordAttendance("en-1", 0.84))
    assert uow.enrollments.rows["en-1"].attendance_rate == 0.84
    assert (uow.decisions.history, uow.published) == ([], [])


async def test_attendance_re_decides_an_enrollment_with_evidence(uow):
    await enrolled(uow, rate=0.75)
    observed(uow, "en-1", ("baseline_test", 1, 90))
    await handle(uow, RecordAttendance("en-1", 0.84))
    assert uow.decisions.triggers("en-1") == [
        (1, "passed", "attendance"),
        (2, "waiting", "attendance"),
        (3, "locked", "attendance"),
        (4, "locked", "attendance"),
    ]
    assert uow.published_types() == ["traintrack.evaluation.stage-passed.v2"]


async def test_attendance_after_the_ending_keeps_the_final_rate(uow):
    await enrolled(uow)
    observed(uow, "en-1", ("baseline_test", 1, 90))
    await handle(uow, EndEnrollment("en-1", "completed", 0.91))
    history = len(uow.decisions.history)
    await handle(uow, RecordAttendance("en-1", 0.5))
    assert uow.enrollments.rows["en-1"].attendance_rate == 0.91
    assert len(uow.decisions.history) == history


async def test_an_ending_is_kept_with_its_final_rate_and_re_decides_stage_4(uow):
    await enrolled(uow, rate=0.83)
    await handle(uow, EndEnrollment("en-1", "not_completed", 0.8))
    facts = uow.enrollments.rows["en-1"]
    assert (facts.ending, facts.attendance_rate) == ("not_completed", 0.8)
    assert {t for _, _, t in uow.decisions.history} == {"not_completed"}


async def test_a_drop_out_keeps_the_rate_to_date(uow):
    await enrolled(uow, rate=0.83)
    await handle(uow, EndEnrollment("en-1", "dropped", None))
    facts = uow.enrollments.rows["en-1"]
    assert (facts.ending, facts.attendance_rate) == ("dropped", 0.83)
    assert uow.decisions.triggers("en-1")[0] == (1, "waiting", "dropped")


async def test_facts_about_an_enrollment_not_known_yet_change_nothing(uow):
    await handle(uow, RecordAttendance("en-x", 0.9))
    await handle(uow, EndEnrollment("en-x", "completed", 0.9))
    assert (uow.enrollments.rows, uow.decisions.history, uow.published) == ({}, [], [])
    assert uow.committed


async def test_a_run_of_days_keeps_each_enrollments_last_rate_and_decides_each_once(uow):
    await enrolled(uow, rate=0.75)
    await enrolled(uow, enrollment_id="en-2", trainee_id="tr-2", rate=0.90)
    observed(uow, "en-1", ("baseline_test", 1, 90))
    await handle(
        uow,
        RecordAttendances(
            (
                RecordAttendance("en-1", 0.70),
                RecordAttendance("en-2", 0.95),
                RecordAttendance("en-1", 0.84),  # the later day of en-1 wins
                RecordAttendance("en-9", 0.50),  # before its enrollment: kept aside
            )
        ),
    )
    assert uow.enrollments.rows["en-1"].attendance_rate == 0.84
    assert uow.enrollments.rows["en-2"].attendance_rate == 0.95
    assert uow.enrollments.ahead == {"en-9": 0.50}
    # en-1 has evidence: decided once, at 84 %; en-2 has none: nothing decided.
    assert uow.decisions.triggers("en-1") == [
        (1, "passed", "attendance"),
        (2, "waiting", "attendance"),
        (3, "locked", "attendance"),
        (4, "locked", "attendance"),
    ]
    assert uow.decisions.triggers("en-2") == []
    await handle(uow, AddEnrollment("en-9", "tr-9", "c-1", "inst-a"))
    assert uow.enrollments.rows["en-9"].attendance_rate == 0.50
    assert uow.enrollments.ahead == {}
