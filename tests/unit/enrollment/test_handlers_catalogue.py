"""Handlers of the catalogue: institutes, programmes, cohorts and closing a cohort."""

from datetime import date

import pytest

from tests.unit.enrollment.conftest import (
    INSTITUTE,
    LAST,
    OPERATOR,
    OTHER,
    enrolled,
    handle,
    training_days,
)
from traintrack.contracts import enrollment as contracts
from traintrack.contracts.vocabulary import AttendanceStatus, Track
from traintrack.enrollment.commands import (
    CloseCohort,
    CreateInstitute,
    DefineProgramme,
    OpenCohort,
)
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.attendance import AttendanceDay
from traintrack.enrollment.domain.catalogue import Institute
from traintrack.enrollment.domain.enrollments import EnrollmentStatus
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected


def programme(actor=INSTITUTE, programme_id="prog-new", **overrides):
    values = dict(
        name=" Data engineering ",
        track=Track.K_DIGITAL_TRAINING,
        field="data",
        hours=600,
        capacity=20,
        project_work_share=0.5,
        skills=("SQL", "python", "sql"),
    )
    return DefineProgramme(actor, programme_id, **{**values, **overrides})


async def test_an_operator_adds_an_institute_and_a_second_with_its_id_conflicts(uow):
    made = await handle(uow, CreateInstitute(OPERATOR, "inst-c", " Busan Academy ", "26"))
    assert made == Institute("inst-c", "Busan Academy", "26")
    assert uow.catalogue.institutes["inst-c"] == made
    with pytest.raises(Conflict) as refused:
        await handle(uow, CreateInstitute(OPERATOR, "inst-c", "Another", "11"))
    assert refused.value.field == "institute_id"
    assert uow.published == []


async def test_an_institute_defines_its_programme_with_skills_normalised(uow):
    made = await handle(uow, programme())
    assert (made.institute_id, made.name, made.skills) == (
        "inst-a",
        "Data engineering",
        ("python", "sql"),
    )
    assert uow.catalogue.programmes["prog-new"] == made


async def test_an_operator_defines_no_programme_in_an_institutes_place(uow):
    with pytest.raises(Forbidden):
        await handle(uow, programme(actor=OPERATOR))
    assert "prog-new" not in uow.catalogue.programmes


async def test_a_programme_needs_its_institute_in_the_catalogue_and_a_free_id(uow):
    with pytest.raises(Rejected, match="not in the catalogue"):
        await handle(uow, programme(actor=Actor("institute:inst-x", "inst-x")))
    with pytest.raises(Conflict) as refused:
        await handle(uow, programme(programme_id="prog-a"))
    assert refused.value.field == "programme_id"


async def test_an_opened_cohort_is_announced_with_its_programme_and_region(uow):
    command = OpenCohort(
        INSTITUTE,
        "c-new",
        "prog-a",
        date(2026, 5, 4),
        date(2026, 5, 29),
        closed_days=(date(2026, 5, 6),),
    )
    cohort = await handle(uow, command)
    assert (cohort.capacity, cohort.closed_days) == (30, (date(2026, 5, 6),))
    [opened] = uow.published
    assert isinstance(opened, contracts.CohortOpened)
    assert (opened.cohort_id, opened.programme_id, opened.institute_id, opened.region_code) == (
        "c-new",
        "prog-a",
        "inst-a",
        "11",
    )
    assert (opened.track, opened.hours, opened.closed_days) == (
        "k_digital_training",
        800,
        [date(2026, 5, 6)],
    )


async def test_another_institutes_programme_is_not_found_for_a_cohort(uow):
    with pytest.raises(NotFound):
        await handle(uow, OpenCohort(OTHER, "c-new", "prog-a", date(2026, 5, 4), date(2026, 5, 29)))
    with pytest.raises(Conflict):
        await handle(
            uow, OpenCohort(INSTITUTE, "c-a", "prog-a", date(2026, 5, 4), date(2026, 5, 29))
        )
    assert uow.published == []


async def test_closing_an_ended_cohort_completes_at_80_percent_and_ends_the_rest(uow):
    completer, short = enrolled(uow, "en-1", "tr-1"), enrolled(uow, "en-2", "tr-2")
    days = training_days()
    await uow.attendance.upsert(
        [(completer.enrollment_id, AttendanceDay(d, AttendanceStatus.ABSENT)) for d in days[:2]]
        + [(completer.enrollment_id, AttendanceDay(d, AttendanceStatus.PRESENT)) for d in days[2:]]
    )
    closed = await handle(uow, CloseCohort(INSTITUTE, "c-a", today=date(2026, 4, 18)))
    assert (closed.completed, closed.not_completed) == (1, 1)
    assert uow.enrollments.enrollments["en-1"].status is EnrollmentStatus.COMPLETED
    assert uow.enrollments.enrollments[short.enrollment_id].status is EnrollmentStatus.NOT_COMPLETED
    completed, ended = uow.published
    assert (completed.enrollment_id, completed.completed_on, completed.attendance_rate) == (
        "en-1",
        LAST,
        0.8,
    )
    assert isinstance(ended, contracts.EnrollmentNotCompleted)
    assert (ended.enrollment_id, ended.ended_on, ended.attendance_rate, ended.decided_on) == (
        "en-2",
        LAST,
        0.0,
        date(2026, 4, 18),
    )
    again = await handle(uow, CloseCohort(OPERATOR, "c-a", today=date(2026, 4, 18)))
    assert (again.completed, again.not_completed) == (0, 0)


async def test_a_cohort_is_closed_by_hand_only_after_its_last_day_and_by_its_institute(uow):
    enrolled(uow)
    with pytest.raises(Conflict) as refused:
        await handle(uow, CloseCohort(INSTITUTE, "c-a", today=LAST))
    assert refused.value.field == "cohort_id"
    with pytest.raises(NotFound):
        await handle(uow, CloseCohort(OTHER, "c-a", today=date(2026, 4, 18)))
    assert uow.enrollments.enrollments["en-1"].status is EnrollmentStatus.ENROLLED
    assert uow.published == []
