"""Which command each fact the worker reads becomes."""

from datetime import UTC, date, datetime

from traintrack.contracts import enrollment as enr
from traintrack.contracts import evaluation_v1 as v1
from traintrack.matching import commands as c
from traintrack.matching.entrypoints.worker import COMMANDS

AT = datetime(2026, 9, 1, tzinfo=UTC)


def test_an_ending_of_an_enrollment_becomes_its_status():
    ended = enr.EnrollmentDropped(
        trainee_id="t-1",
        enrollment_id="e-1",
        cohort_id="c-1",
        dropped_on=date(2026, 10, 1),
        reason="personal",
    )
    assert COMMANDS[type(ended)](ended) == c.EndEnrollment(
        c.Enrollment("t-1", "e-1", "c-1"), "dropped"
    )


def test_erasure_withdraws_consent_too():
    erased = enr.TraineeErased(trainee_id="t-1", erased_at=AT)
    assert COMMANDS[type(erased)](erased) == c.RecordPerson("t-1", consent=False, erased=True)


def test_a_version_1_fact_names_no_enrollment_so_it_is_about_the_latest():
    passed = v1.StagePassedV1(
        trainee_id="t-1",
        stage=2,
        stage_name="s2",
        attempt=1,
        unlocks=[],
        decided_at=AT,
        scheme_id="kdt-4-stage",
        scheme_version=1,
    )
    assert COMMANDS[type(passed)](passed) == c.RecordStagePassed(c.Enrollment("t-1"), 2)
