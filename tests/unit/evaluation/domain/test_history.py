"""Stage history, certification and scheme pins per enrollment, as pure rules: each
expected answer is written out by hand."""

from dataclasses import replace
from itertools import count

import pytest

from traintrack.evaluation.domain.certification import (
    CredentialState,
    Issue,
    RevokeForBasis,
    certification_step,
    check_reinstatement,
)
from traintrack.evaluation.domain.decisions import Assessment, Observation, StageDecision, Status
from traintrack.evaluation.domain.enrollment import EnrollmentFacts, standing_evidence
from traintrack.evaluation.domain.history import StageChange, to_record
from traintrack.evaluation.domain.review import review
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME, RUBRIC_CRITERIA, Requirement
from traintrack.platform.errors import Conflict

SEQ = count(1)
P, W, F, L = Status.PASSED, Status.WAITING, Status.FAILED, Status.LOCKED


def obs(evidence, value, stage, attempt=1):
    return Observation(next(SEQ), evidence, stage, attempt, value)


def rubric(side, score):
    return Assessment(next(SEQ), 3, 1, f"{side}-1", side, dict.fromkeys(RUBRIC_CRITERIA, score))


def enrollment(enrollment_id, cohort, *, rate=None, ending=None):
    return EnrollmentFacts(enrollment_id, "tr-1", cohort, "inst-a", "kdt-ai", rate, ending)


# Everything the default scheme asks for, course facts apart (those come from `enrollment`).
EVIDENCE = [
    obs("baseline_test", 72, 1),
    obs("module_test", 75, 2),
    obs("mini_project", 81, 2),
    obs("participation", 90, 3),
    obs("presentation", 85, 4),
    obs("interview", 1, 4),
]
RUBRICS = [rubric("institute", 80), rubric("firm", 78)]
GRADUATE = enrollment("en-ai-1", "kdt-ai-2026-1", rate=0.91, ending="completed")


def graduate_review(**changes):
    """The first course, certified: its review from nothing, then its stored state."""
    first = review(DEFAULT_SCHEME, GRADUATE, EVIDENCE, RUBRICS, {}, None)
    return first, {d.stage: d for d in first.decisions}


def test_passing_every_stage_issues_after_the_last_pass_is_announced():
    first, _ = graduate_review()
    assert [d.status for d in first.decisions] == [P, P, P, P]
    assert [(s.kind, s.decision.stage) for s in first.steps[:-1]] == [
        ("passed", 1),
        ("passed", 2),
        ("passed", 3),
        ("passed", 4),
    ]
    assert first.steps[-1] == Issue()
    assert [d.stage for d in first.recorded] == [1, 2, 3, 4]


def test_a_certified_graduate_re_enrolling_keeps_the_first_certification():
    _, stored = graduate_review()
    active = CredentialState("cred-ai")
    # The second course: one attendance day, absent; nothing of the first course's evidence.
    second = enrollment("en-data-1", "kdt-data-2027-1", rate=0.0)
    again = review(DEFAULT_SCHEME, second, [], [], {}, None)
    assert [d.status for d in again.decisions] == [W, L, L, L]
    assert again.decisions[0].missing == ("baseline_test",)
    assert again.steps == []  # no revocation: the second enrollment holds no credential
    # The first course reviewed again is exactly as it was: nothing recorded, nothing said.
    unchanged = review(DEFAULT_SCHEME, GRADUATE, EVIDENCE, RUBRICS, stored, active)
    assert (unchanged.recorded, unchanged.steps) == ([], [])


def test_the_second_course_decides_stage_1_on_its_own_attendance():
    second = enrollment("en-data-1", "kdt-data-2027-1", rate=0.79)
    test = [obs("baseline_test", 60, 1)]
    assert review(DEFAULT_SCHEME, second, test, [], {}, None).decisions[0].status is F
    at_limit = replace(second, attendance_rate=0.80)
    assert review(DEFAULT_SCHEME, at_limit, test, [], {}, None).decisions[0].status is P


def test_a_manual_revocation_stays_through_new_evidence():
    _, stored = graduate_review()
    revoked = CredentialState("cred-ai", "manual")
    corrected = [*EVIDENCE, obs("presentation", 95, 4)]  # a new, better score
    after = review(DEFAULT_SCHEME, GRADUATE, corrected, RUBRICS, stored, revoked)
    assert Issue() not in after.steps
    assert after.steps == []
    assert certification_step(after.decisions, revoked) is None


def test_a_credential_revoked_as_its_basis_broke_is_issued_anew_when_it_holds_again():
    first, _ = graduate_review()
    assert certification_step(first.decisions, CredentialState("c", "basis_withdrawn")) == Issue()
    assert certification_step(first.decisions, CredentialState("c")) is None


def test_a_broken_basis_is_revoked_before_the_withdrawals_are_announced():
    _, stored = graduate_review()
    corrected = [*EVIDENCE, obs("module_test", 41, 2)]
    after = review(DEFAULT_SCHEME, GRADUATE, corrected, RUBRICS, stored, CredentialState("c-1"))
    assert [d.status for d in after.decisions] == [P, F, L, L]
    assert after.steps[0] == RevokeForBasis("c-1", "basis withdrawn: stage 2 is failed")
    assert [(s.kind, s.decision.stage) for s in after.steps[1:]] == [
        ("failed", 2),
        ("withdrawn", 2),
        ("withdrawn", 3),
        ("withdrawn", 4),
    ]
    assert all(isinstance(s, StageChange) for s in after.steps[1:])
    assert [d.stage for d in after.recorded] == [2, 3, 4]


def test_reinstatement_needs_a_manual_revocation_of_the_latest_credential_and_its_basis():
    first, _ = graduate_review()
    check_reinstatement(CredentialState("c-1", "manual"), "c-1", first.decisions)  # allowed
    with pytest.raises(Conflict, match="active"):
        check_reinstatement(CredentialState("c-1"), "c-1", first.decisions)
    with pytest.raises(Conflict, match="basis broke"):
        check_reinstatement(CredentialState("c-1", "basis_withdrawn"), "c-1", first.decisions)
    with pytest.raises(Conflict, match="later credential c-2"):
        check_reinstatement(CredentialState("c-1", "manual"), "c-2", first.decisions)
    failed_2 = [first.decisions[0], replace(first.decisions[1], status=F), *first.decisions[2:]]
    with pytest.raises(Conflict, match="stage 2 is failed"):
        check_reinstatement(CredentialState("c-1", "manual"), "c-1", failed_2)


def test_a_reinstated_credential_is_active_again_and_nothing_is_reissued():
    _, stored = graduate_review()
    after = review(DEFAULT_SCHEME, GRADUATE, EVIDENCE, RUBRICS, stored, CredentialState("c-1"))
    assert after.steps == []


def test_not_completing_the_course_fails_stage_4_like_a_drop_out():
    for ending in ("not_completed", "dropped"):
        facts = replace(GRADUATE, ending=ending, attendance_rate=0.81)
        assert standing_evidence(facts) == [
            Observation(0, "attendance", 0, 0, 0.81),
            Observation(0, "course_completed", 0, 0, 0.0),
        ]
        decided = review(DEFAULT_SCHEME, facts, EVIDENCE, RUBRICS, {}, None).decisions
        assert (decided[3].status, decided[3].shortfalls) == (F, ("course_completed",))
    running = replace(GRADUATE, ending=None)
    decided = review(DEFAULT_SCHEME, running, EVIDENCE, RUBRICS, {}, None).decisions
    assert (decided[3].status, decided[3].missing) == (W, ("course_completed",))


def test_a_re_decision_that_changes_nothing_adds_nothing_to_the_history():
    decision = StageDecision(1, W, 1, 3, 1, None, ("baseline_test",), (), "kdt-4-stage")
    assert to_record({1: decision}, [decision]) == []
    assert to_record({1: decision}, [replace(decision, attempts_left=2)]) == [
        replace(decision, attempts_left=2)
    ]
    assert to_record({}, [decision]) == [decision]


STRICTER = replace(
    DEFAULT_SCHEME,
    version=2,
    stages=(
        replace(
            DEFAULT_SCHEME.stages[0],
            requirements=(Requirement("baseline_test", 75), Requirement("attendance", 0.8)),
        ),
        *DEFAULT_SCHEME.stages[1:],
    ),
)


def test_moving_to_a_new_version_re_decides_and_records_it_on_every_stage():
    # A running cohort: stages 1 and 2 passed under v1 with a baseline test of 72.
    running = replace(GRADUATE, ending=None)
    evidence = EVIDENCE[:3]
    under_v1 = review(DEFAULT_SCHEME, running, evidence, [], {}, None)
    assert [d.status for d in under_v1.decisions] == [P, P, W, L]
    stored = {d.stage: d for d in under_v1.decisions}
    moved = review(STRICTER, running, evidence, [], stored, None)
    assert [d.status for d in moved.decisions] == [F, L, L, L]
    assert [(d.stage, d.scheme_version) for d in moved.recorded] == [(1, 2), (2, 2), (3, 2), (4, 2)]
    assert [(s.kind, s.decision.stage) for s in moved.steps] == [
        ("failed", 1),
        ("withdrawn", 1),
        ("withdrawn", 2),
    ]


def test_a_move_that_changes_no_status_still_records_the_new_version():
    running = replace(GRADUATE, ending=None)
    evidence = [obs("baseline_test", 75, 1)]  # exactly the new minimum
    stored = {d.stage: d for d in review(DEFAULT_SCHEME, running, evidence, [], {}, None).decisions}
    moved = review(STRICTER, running, evidence, [], stored, None)
    assert [d.status for d in moved.decisions] == [P, W, L, L]
    assert {d.scheme_version for d in moved.recorded} == {2}
    assert len(moved.recorded) == 4
    assert moved.steps == []  # nothing a consumer must hear
