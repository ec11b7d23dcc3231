from datetime import date
from fractions import Fraction

import pytest

from traintrack.contracts.vocabulary import DropReason, Track
from traintrack.enrollment.domain import enrollments as lifecycle
from traintrack.enrollment.domain.catalogue import Cohort, define_programme, open_cohort
from traintrack.enrollment.domain.enrollments import EnrollmentStatus
from traintrack.platform.errors import Conflict, Rejected

COHORT = Cohort("kdt-1", "prog", "inst-a", date(2026, 3, 2), date(2026, 8, 28), 2)


def applied(**overrides):
    values = dict(
        enrollment_id="en-1",
        trainee_id="tr-1",
        trainee_institute="inst-a",
        cohort=COHORT,
        applied_on=date(2026, 2, 20),
    )
    return lifecycle.apply(**{**values, **overrides})


def enrolled():
    return lifecycle.admit(applied(), COHORT, seats_taken=0, enrolled_on=date(2026, 3, 2))


def test_an_application_is_admitted_while_seats_remain():
    assert enrolled().status is EnrollmentStatus.ENROLLED


def test_a_full_cohort_refuses_admission():
    with pytest.raises(Conflict, match="full"):
        lifecycle.admit(applied(), COHORT, seats_taken=2, enrolled_on=date(2026, 3, 2))


def test_an_institute_cannot_apply_another_institutes_trainee():
    with pytest.raises(Rejected) as refused:
        applied(trainee_institute="inst-b")
    assert refused.value.field == "trainee_id"


def test_completion_needs_the_course_to_have_ended_and_80_percent():
    with pytest.raises(Rejected, match="runs until"):
        lifecycle.complete(
            enrolled(), COHORT, completed_on=date(2026, 8, 27), attendance_rate=Fraction(1)
        )
    with pytest.raises(Rejected, match="below 80"):
        lifecycle.complete(
            enrolled(), COHORT, completed_on=date(2026, 8, 28), attendance_rate=Fraction(79, 100)
        )
    done = lifecycle.complete(
        enrolled(), COHORT, completed_on=date(2026, 8, 28), attendance_rate=Fraction(4, 5)
    )
    assert (done.status, done.ended_on) == (EnrollmentStatus.COMPLETED, date(2026, 8, 28))


def test_a_trainee_hired_before_the_end_completes_through_early_employment():
    done = lifecycle.complete_through_employment(enrolled(), COHORT, hired_on=date(2026, 6, 1))
    assert done.status is EnrollmentStatus.COMPLETED_EARLY_EMPLOYMENT
    assert done.hired_on == date(2026, 6, 1)
    with pytest.raises(Rejected):
        lifecycle.complete_through_employment(enrolled(), COHORT, hired_on=date(2026, 9, 1))


def test_dropping_records_the_reason_and_day():
    dropped = lifecycle.drop(enrolled(), dropped_on=date(2026, 4, 3), reason=DropReason.HEALTH)
    assert (dropped.status, dropped.drop_reason) == (EnrollmentStatus.DROPPED, DropReason.HEALTH)


@pytest.mark.parametrize(
    "move",
    [
        lambda e: lifecycle.admit(e, COHORT, seats_taken=0, enrolled_on=date(2026, 3, 2)),
        lambda e: lifecycle.drop(e, dropped_on=date(2026, 4, 1), reason=DropReason.OTHER),
        lambda e: lifecycle.complete(
            e, COHORT, completed_on=date(2026, 9, 1), attendance_rate=Fraction(1)
        ),
    ],
)
def test_an_ended_enrollment_cannot_move_again(move):
    dropped = lifecycle.drop(enrolled(), dropped_on=date(2026, 4, 3), reason=DropReason.OTHER)
    with pytest.raises(Conflict, match="cannot become"):
        move(dropped)


def test_an_application_cannot_complete_without_being_admitted():
    with pytest.raises(Conflict):
        lifecycle.complete(
            applied(), COHORT, completed_on=date(2026, 9, 1), attendance_rate=Fraction(1)
        )


def programme(**overrides):
    values = dict(
        programme_id="kdt-ai",
        institute_id="inst-a",
        name="AI",
        field="AI",
        track=Track.K_DIGITAL_TRAINING,
        hours=900,
        capacity=30,
        project_work_share=0.4,
    )
    return define_programme(**{**values, **overrides})


def test_intensive_programmes_spend_at_least_30_percent_on_projects():
    with pytest.raises(Rejected) as refused:
        programme(project_work_share=0.2)
    assert refused.value.field == "project_work_share"
    assert programme(track=Track.K_DIGITAL_CREDIT, project_work_share=0.0).hours == 900


def test_a_cohort_takes_the_programme_capacity_unless_smaller():
    assert (
        open_cohort(
            programme(), cohort_id="c-1", starts_on=date(2026, 3, 2), ends_on=date(2026, 8, 28)
        ).capacity
        == 30
    )
    with pytest.raises(Rejected) as refused:
        open_cohort(
            programme(),
            cohort_id="c-1",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 8, 28),
            capacity=31,
        )
    assert refused.value.field == "capacity"
    with pytest.raises(Rejected) as refused:
        open_cohort(
            programme(), cohort_id="c-1", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 1)
        )
    assert refused.value.field == "ends_on"


def test_a_programme_counts_start_ups_or_non_insured_work_only_when_it_says_so():
    assert programme().employment_includes == ()
    assert programme(
        employment_includes=["non_insured", "start_up", "start_up"]
    ).employment_includes == (
        "start_up",
        "non_insured",
    )
    with pytest.raises(Rejected) as refused:
        programme(employment_includes=["freelance"])
    assert refused.value.field == "employment_includes"
