from itertools import count, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traintrack.evaluation.domain.decisions import (
    Assessment,
    Observation,
    Status,
    decide,
    unlocked_by,
)
from traintrack.evaluation.domain.scheme import (
    DEFAULT_SCHEME,
    RUBRIC_CRITERIA,
    Requirement,
    Scheme,
    Stage,
    check_scheme,
)
from traintrack.platform.errors import Rejected

SEQ = count(1)


def obs(evidence, value, stage=0, attempt=0):
    return Observation(next(SEQ), evidence, stage, attempt, value)


def rubric(side, score, attempt=1, assessor=None):
    return Assessment(
        next(SEQ), 3, attempt, assessor or f"{side}-1", side, dict.fromkeys(RUBRIC_CRITERIA, score)
    )


def statuses(observations=(), assessments=()):
    return [d.status for d in decide(DEFAULT_SCHEME, observations, assessments)]


STAGE_1 = [obs("baseline_test", 72, 1, 1), obs("attendance", 0.93)]
STAGE_2 = [obs("module_test", 75, 2, 1), obs("mini_project", 81, 2, 1)]
STAGE_3 = [obs("participation", 90, 3, 1)]
RUBRICS = [rubric("institute", 80), rubric("firm", 78)]
STAGE_4 = [obs("course_completed", 1), obs("presentation", 85, 4, 1), obs("interview", 1, 4, 1)]
P, W, F, L = Status.PASSED, Status.WAITING, Status.FAILED, Status.LOCKED


def test_with_no_evidence_stage_1_waits_and_the_rest_is_locked():
    assert statuses() == [W, L, L, L]


def test_the_default_scheme_passes_in_order_and_unlocks_what_domain_md_says():
    decisions = decide(DEFAULT_SCHEME, STAGE_1 + STAGE_2 + STAGE_3 + STAGE_4, RUBRICS)
    assert [d.status for d in decisions] == [P, P, P, P]
    assert decisions[2].rubric_score == 79.0
    assert unlocked_by(DEFAULT_SCHEME, decisions) == [
        "practitioner_mentoring",
        "cloud_onboarding",
        "talent_pool_listing",
        "internship_matching",
        "certification",
        "internship_priority",
    ]


def test_stage_1_needs_the_test_and_80_percent_attendance():
    assert statuses([obs("baseline_test", 59, 1, 1), obs("attendance", 0.95)]) == [F, L, L, L]
    assert statuses([obs("baseline_test", 60, 1, 1), obs("attendance", 0.79)]) == [F, L, L, L]
    assert statuses([obs("baseline_test", 60, 1, 1)])[0] is W


def test_a_failed_attempt_leaves_the_attempts_that_remain_and_a_retry_can_pass():
    first = [obs("baseline_test", 50, 1, 1), obs("attendance", 0.9)]
    [decision, *_] = decide(DEFAULT_SCHEME, first, [])
    assert (decision.status, decision.attempt, decision.attempts_left) == (F, 1, 1)
    [retry, *_] = decide(DEFAULT_SCHEME, [*first, obs("baseline_test", 66, 1, 2)], [])
    assert (retry.status, retry.attempt) == (P, 2)


def test_attempts_beyond_the_limit_do_not_count():
    log = [
        obs("attendance", 0.9),
        obs("baseline_test", 50, 1, 1),
        obs("baseline_test", 55, 1, 2),
        obs("baseline_test", 90, 1, 3),
    ]
    [decision, *_] = decide(DEFAULT_SCHEME, log, [])
    assert (decision.status, decision.attempts_left) == (F, 0)


def test_the_applied_project_waits_for_both_sides_of_the_rubric():
    decisions = decide(DEFAULT_SCHEME, STAGE_1 + STAGE_2 + STAGE_3, [rubric("institute", 90)])
    assert decisions[2].status is W
    assert decisions[2].missing == ("rubric:firm",)


def test_the_rubric_mean_must_reach_75():
    decisions = decide(
        DEFAULT_SCHEME, STAGE_1 + STAGE_2 + STAGE_3, [rubric("institute", 80), rubric("firm", 60)]
    )
    assert (decisions[2].status, decisions[2].shortfalls) == (F, ("rubric",))


def test_a_corrected_score_supersedes_the_old_one_and_can_unpass_later_stages():
    log = STAGE_1 + STAGE_2 + STAGE_3 + STAGE_4
    assert statuses(log, RUBRICS) == [P, P, P, P]
    corrected = [*log, obs("module_test", 40, 2, 1)]
    assert statuses(corrected, RUBRICS) == [P, F, L, L]


def test_a_later_assessment_by_the_same_assessor_replaces_theirs():
    log = STAGE_1 + STAGE_2 + STAGE_3
    first = [rubric("institute", 80), rubric("firm", 50, assessor="firm-9")]
    assert decide(DEFAULT_SCHEME, log, first)[2].status is F
    fixed = [*first, rubric("firm", 90, assessor="firm-9")]
    assert decide(DEFAULT_SCHEME, log, fixed)[2].status is P


def test_every_decision_records_the_scheme_version():
    v2 = Scheme("kdt-4-stage", 2, DEFAULT_SCHEME.stages)
    assert {d.scheme_version for d in decide(v2, STAGE_1, [])} == {2}


def test_a_scheme_with_gaps_unknown_evidence_or_bad_minimums_is_refused():
    with pytest.raises(Rejected):
        check_scheme(Scheme("s", 1, (DEFAULT_SCHEME.stages[1],)))
    with pytest.raises(Rejected, match="unknown evidence"):
        check_scheme(Scheme("s", 1, (Stage(1, "x", (Requirement("iq", 50),), 1, ()),)))
    with pytest.raises(Rejected, match="minimum"):
        check_scheme(Scheme("s", 1, (Stage(1, "x", (Requirement("attendance", 80),), 1, ()),)))


# ---------------------------------------------------------------- properties

STANDING = [
    Observation(10**7, "attendance", 0, 0, 0.9),
    Observation(10**7 + 1, "course_completed", 0, 0, 1),
]
EVIDENCE = st.sampled_from(
    ["baseline_test", "module_test", "mini_project", "participation", "presentation", "interview"]
)
observations = st.lists(
    st.builds(
        lambda e, v, s, a, n: Observation(n, e, s, a, v if e != "interview" else float(v > 50)),
        EVIDENCE,
        st.floats(0, 100),
        st.integers(1, 4),
        st.integers(1, 3),
        st.integers(0, 10**6),
    ),
    max_size=30,
    unique_by=lambda o: o.seq,
).map(lambda log: [*log, *STANDING])
assessments = st.lists(
    st.builds(
        lambda side, a, who, score, n: Assessment(
            n, 3, a, f"{side}-{who}", side, dict.fromkeys(RUBRIC_CRITERIA, score)
        ),
        st.sampled_from(["institute", "firm"]),
        st.integers(1, 3),
        st.integers(1, 3),
        st.floats(0, 100),
        st.integers(0, 10**6),
    ),
    max_size=8,
    unique_by=lambda a: a.seq,
)


@settings(max_examples=300, deadline=None)
@given(observations, assessments)
def test_no_stage_is_passed_before_the_one_before_it(log, rubrics):
    decisions = decide(DEFAULT_SCHEME, log, rubrics)
    for before, after in pairwise(decisions):
        if after.status is not Status.LOCKED:
            assert before.status is Status.PASSED


@settings(max_examples=300, deadline=None)
@given(observations, assessments, st.randoms())
def test_a_decision_depends_on_the_evidence_not_on_the_order_it_is_read(log, rubrics, rng):
    shuffled_log, shuffled_rubrics = list(log), list(rubrics)
    rng.shuffle(shuffled_log)
    rng.shuffle(shuffled_rubrics)
    assert decide(DEFAULT_SCHEME, log, rubrics) == decide(
        DEFAULT_SCHEME, shuffled_log, shuffled_rubrics
    )


@settings(max_examples=200, deadline=None)
@given(observations, assessments)
def test_attempts_left_never_exceed_the_limit_and_passes_stay_within_it(log, rubrics):
    for decision in decide(DEFAULT_SCHEME, log, rubrics):
        stage = DEFAULT_SCHEME.stage(decision.stage)
        assert 0 <= decision.attempts_left <= stage.max_attempts
        if decision.status is Status.PASSED:
            assert 1 <= decision.attempt <= stage.max_attempts
