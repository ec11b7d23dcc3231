"""Who may see or act on what."""

from traintrack.matching.domain.access import (
    Caller,
    may_explain,
    may_read_firm_record,
    may_see_candidate,
    owns,
    speaks_for,
)

FIRM, INSTITUTE, OPERATOR = (
    Caller("firm", "f-1"),
    Caller("institute", "i-1"),
    Caller("operator", "o"),
)


def test_a_firm_sees_a_candidate_only_while_it_is_being_shown_them():
    assert may_see_candidate(FIRM, "i-1", shown_to_firm=True)
    assert not may_see_candidate(FIRM, "i-1", shown_to_firm=False)


def test_an_institute_sees_its_own_trainees_and_an_operator_everyone():
    assert may_see_candidate(INSTITUTE, "i-1", shown_to_firm=False)
    assert not may_see_candidate(INSTITUTE, "i-2", shown_to_firm=True)
    assert may_see_candidate(OPERATOR, None, shown_to_firm=False)


def test_a_firm_owns_only_its_own_records_and_an_operator_reads_them_all():
    assert owns(FIRM, "f-1") and not owns(FIRM, "f-2") and not owns(OPERATOR, "f-1")
    assert may_read_firm_record(OPERATOR, "f-2") and not may_read_firm_record(FIRM, "f-2")


def test_an_institute_speaks_for_and_asks_about_its_own_trainees_only():
    assert speaks_for(INSTITUTE, "i-1") and not speaks_for(INSTITUTE, "i-2")
    assert not speaks_for(OPERATOR, "i-1")
    assert may_explain(OPERATOR, "i-2") and not may_explain(INSTITUTE, "i-2")
