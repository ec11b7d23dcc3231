"""Bulk onboarding, row by row: the same rules as single requests, decided in row order."""

from datetime import UTC, date, datetime

import pytest

from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.onboarding import Batch, KnownRef, OnboardRow, decide, fingerprint
from traintrack.enrollment.domain.trainees import Person
from traintrack.platform.errors import Conflict, NotFound, Rejected

NOW = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)
SMALL = Cohort("small", "prog", "inst-a", date(2026, 3, 3), date(2026, 4, 10), 2)
PERSON = Person(1998, "30", "job_seeker", True, "김민준", "minjun@example.org")


def row(number, ref, cohort="small", person=PERSON):
    return OnboardRow(number, ref, cohort, date(2026, 2, 20), person)


def state(**overrides):
    values = dict(refs={}, cohorts={"small": SMALL}, seats={"small": 0}, enrolled={})
    return Batch(**{**values, **overrides})


def test_seats_go_in_row_order_and_a_refused_row_registers_nobody():
    batch = state()
    for n, ref in enumerate(("a", "b"), start=1):
        assert decide(row(n, ref), "inst-a", batch, NOW) is None
    with pytest.raises(Rejected) as refused:
        decide(row(3, "c"), "inst-a", batch, NOW)
    assert (refused.value.field, type(refused.value)) == ("cohort_id", Conflict)
    assert [ref for ref, _, _ in batch.new_refs] == ["a", "b"]
    assert len(batch.trainees) == 2 and batch.seats == {"small": 2}


def test_a_known_ref_with_the_same_details_and_cohort_is_the_existing_enrollment():
    known = KnownRef("tr-1", fingerprint(PERSON), "job_seeker")
    batch = state(refs={"a": known}, enrolled={("tr-1", "small"): "en-1"})
    done = decide(row(1, "a"), "inst-a", batch, NOW)
    assert done is not None
    assert (done.trainee_id, done.enrollment_id, done.created) == ("tr-1", "en-1", False)
    assert batch.trainees == [] and batch.enrollments == []


def test_a_known_ref_in_another_cohort_enrolls_the_same_trainee_again():
    later = Cohort("later", "prog", "inst-a", date(2026, 5, 4), date(2026, 6, 26), 30)
    known = KnownRef("tr-1", fingerprint(PERSON), "employed_worker")
    batch = state(
        refs={"a": known},
        cohorts={"small": SMALL, "later": later},
        seats={"small": 1, "later": 0},
        enrolled={("tr-1", "small"): "en-1"},
    )
    assert decide(row(1, "a", "later"), "inst-a", batch, NOW) is None
    [(_, _, enrollment, status)] = batch.enrollments
    assert (enrollment.trainee_id, enrollment.cohort_id, status) == (
        "tr-1",
        "later",
        "employed_worker",
    )
    assert batch.trainees == []


@pytest.mark.parametrize(
    ("known", "says"),
    [
        (KnownRef("tr-1", "another-hash", "job_seeker"), "other details"),
        (KnownRef("tr-1", None, "job_seeker"), "erased"),
    ],
)
def test_a_known_ref_with_other_details_or_erased_is_refused(known, says):
    with pytest.raises(Rejected) as refused:
        decide(row(1, "a"), "inst-a", state(refs={"a": known}), NOW)
    assert refused.value.field == "ref" and says in refused.value.detail


def test_an_unknown_cohort_is_refused_by_row():
    with pytest.raises(Rejected) as refused:
        decide(row(1, "a", "nowhere"), "inst-a", state(), NOW)
    assert (refused.value.field, type(refused.value)) == ("cohort_id", NotFound)


def test_a_persons_fingerprint_is_the_one_earlier_imports_stored():
    # Computed from the seven fields by name (sorted): renaming one would make every
    # re-import of an earlier file a conflict.
    assert fingerprint(PERSON) == "f2ebb55c45d657f1b45e8bf40777b94dc93455e207b83fd842b650a218c86f07"
