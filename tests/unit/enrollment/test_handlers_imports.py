"""Bulk onboarding's handler: trainees registered and enrolled from CSV rows, safely again."""

from datetime import date

import pytest

from tests.unit.enrollment.conftest import INSTITUTE, OPERATOR, handle
from traintrack.contracts import enrollment as contracts
from traintrack.enrollment.commands import ImportTrainees
from traintrack.enrollment.domain.onboarding import OnboardRow
from traintrack.enrollment.domain.reports import RowError
from traintrack.enrollment.domain.trainees import Person
from traintrack.platform.errors import Forbidden

APPLIED = date(2026, 3, 20)


def row(number, ref, cohort="c-a", name="김민준"):
    return OnboardRow(number, ref, cohort, APPLIED, Person(1998, "30", "job_seeker", True, name))


async def test_an_import_registers_and_enrolls_in_row_order_and_reports_the_rest(uow):
    command = ImportTrainees(
        INSTITUTE,
        rows=(row(1, "s-1"), row(3, "s-3"), row(4, "s-4"), row(5, "s-5", cohort="c-b")),
        refused=(RowError(2, "birth_year", "Input should be a valid integer"),),
    )
    report = await handle(uow, command)
    assert (report.rows, report.accepted, report.existing, report.rejected) == (5, 2, 0, 3)
    assert [(d.row, d.ref, d.created) for d in report.done] == [(1, "s-1", True), (3, "s-3", True)]
    assert [(e.row, e.field) for e in report.errors] == [
        (2, "birth_year"),
        (4, "cohort_id"),  # the cohort's two seats went to rows 1 and 3
        (5, "cohort_id"),  # another institute's cohort is not found
    ]
    assert "full" in report.errors[1].message
    assert uow.trainees.import_locks == ["inst-a"]
    assert sorted(ref for (_, ref) in uow.trainees.refs) == ["s-1", "s-3"]
    assert [type(e) for e in uow.published] == [
        contracts.TraineeRegistered,
        contracts.TraineeRegistered,
        contracts.TraineeEnrolled,
        contracts.TraineeEnrolled,
    ]
    assert {e.trainee_id for e in uow.published} == {d.trainee_id for d in report.done}


async def test_the_same_file_again_reports_its_rows_as_existing_and_announces_nothing(uow):
    first = await handle(uow, ImportTrainees(INSTITUTE, rows=(row(1, "s-1"),)))
    uow.published.clear()
    again = await handle(uow, ImportTrainees(INSTITUTE, rows=(row(1, "s-1"),)))
    assert (again.accepted, again.existing, again.rejected) == (0, 1, 0)
    assert again.done[0].enrollment_id == first.done[0].enrollment_id
    assert len(uow.trainees.trainees) == 1 and uow.published == []


async def test_a_known_ref_with_other_details_is_refused_by_row(uow):
    await handle(uow, ImportTrainees(INSTITUTE, rows=(row(1, "s-1"),)))
    again = await handle(uow, ImportTrainees(INSTITUTE, rows=(row(7, "s-1", name="박서연"),)))
    assert [(e.row, e.field) for e in again.errors] == [(7, "ref")]
    assert "other details" in again.errors[0].message


async def test_only_an_institute_imports_its_trainees(uow):
    with pytest.raises(Forbidden):
        await handle(uow, ImportTrainees(OPERATOR, rows=(row(1, "s-1"),)))
    assert uow.trainees.trainees == {}
