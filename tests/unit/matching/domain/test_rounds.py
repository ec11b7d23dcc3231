import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traintrack.matching.domain.candidates import Candidate, Opening, rank, visible
from traintrack.matching.domain.rounds import Round, blocking_pairs, explain, solve


def candidate(trainee_id, stage=3, consent=True, skills=("python",), region="30", score=80.0):
    return Candidate(
        trainee_id=trainee_id,
        stage_reached=stage,
        consent=consent,
        skills=frozenset(skills),
        region_code=region,
        score=score,
    )


OPENING = Opening("op-1", "firm-a", 2, 3, frozenset({"python", "ml"}), "30")


def test_a_firm_sees_a_candidate_only_with_consent_and_the_stage_required():
    assert visible(candidate("a"), 3)
    assert not visible(candidate("b", consent=False), 3)
    assert not visible(candidate("c", stage=2), 3)
    # A candidate whose one certification was revoked holds stage 0 (test_matching_holdings).
    assert not visible(candidate("d", stage=0), 1)


def test_the_platform_ranks_by_stage_then_fit_and_leaves_out_the_invisible():
    ranked = rank(
        OPENING,
        [
            candidate("low", stage=3, skills=()),
            candidate("fit", stage=3, skills=("python", "ml")),
            candidate("top", stage=4),
            candidate("hidden", consent=False, stage=4),
        ],
    )
    assert ranked == ["top", "fit", "low"]


ROUND = Round(
    candidate_prefs={"ana": ["x", "y"], "bo": ["x", "y"], "cy": ["x"], "di": ["y", "x"]},
    opening_prefs={"x": ["cy", "ana", "bo", "di"], "y": ["bo", "ana"]},
    seats={"x": 1, "y": 1},
)


def test_candidate_proposing_round_is_stable_and_respects_seats():
    assignment = solve(ROUND)
    assert assignment == {"x": ["cy"], "y": ["bo"]}
    assert blocking_pairs(ROUND, assignment) == []


def test_an_opening_that_did_not_rank_a_candidate_is_not_a_choice():
    assert "di" not in solve(ROUND)["y"]


def test_a_blocking_pair_is_found_when_an_assignment_is_not_stable():
    unstable = {"x": ["bo"], "y": ["ana"]}
    assert ("cy", "x") in blocking_pairs(ROUND, unstable)


def test_each_candidate_learns_why_they_got_their_seat_or_none():
    assignment = solve(ROUND)
    assert explain(ROUND, assignment, "cy") == ["placed at x, your choice 1"]
    reasons = explain(ROUND, assignment, "ana")
    assert reasons[0].startswith("x filled its 1 seat(s)")
    assert reasons[-1].startswith("no seat in this round")
    assert explain(ROUND, assignment, "di")[0] == "y did not rank you"


def test_an_opening_without_free_seats_takes_nobody_and_says_so():
    full = Round(ROUND.candidate_prefs, ROUND.opening_prefs, {"x": 0, "y": 1})
    assignment = solve(full)
    assert assignment["x"] == [] and blocking_pairs(full, assignment) == []
    assert explain(full, assignment, "cy")[0] == "x had no seat left in this round"


@st.composite
def rounds(draw):
    rng = random.Random(draw(st.integers(0, 10**6)))
    candidates = [f"c{i}" for i in range(draw(st.integers(1, 30)))]
    openings = [f"o{j}" for j in range(draw(st.integers(1, 8)))]
    prefs = {c: rng.sample(openings, rng.randint(0, len(openings))) for c in candidates}
    opening_prefs = {o: rng.sample(candidates, rng.randint(0, len(candidates))) for o in openings}
    # 0 seats: every seat of the opening is already offered or taken.
    return Round(prefs, opening_prefs, {o: rng.randint(0, 4) for o in openings})


@settings(max_examples=300, deadline=None)
@given(rounds(), st.sampled_from(["resident", "hospital"]))
def test_every_round_result_has_no_blocking_pair_and_no_overfull_opening(round_, optimal):
    assignment = solve(round_, optimal=optimal)
    assert blocking_pairs(round_, assignment) == []
    placed = [c for cs in assignment.values() for c in cs]
    assert len(placed) == len(set(placed))
    for opening, holders in assignment.items():
        assert len(holders) <= round_.seats[opening]
        for c in holders:  # mutual acceptability
            assert opening in round_.candidate_prefs[c] and c in round_.opening_prefs[opening]


# Small rounds with the answers worked out by hand.

CROSSED = Round(
    candidate_prefs={"a": ["x", "y"], "b": ["y", "x"]},
    opening_prefs={"x": ["b", "a"], "y": ["a", "b"]},
    seats={"x": 1, "y": 1},
)


def test_each_side_gets_its_own_first_choices_when_it_proposes():
    assert solve(CROSSED, optimal="resident") == {"x": ["a"], "y": ["b"]}
    assert solve(CROSSED, optimal="hospital") == {"x": ["b"], "y": ["a"]}
    for optimal in ("resident", "hospital"):
        assert blocking_pairs(CROSSED, solve(CROSSED, optimal=optimal)) == []


def test_a_held_candidate_is_bumped_by_a_better_one_and_falls_to_their_next_choice():
    round_ = Round(
        candidate_prefs={"a": ["x", "y"], "b": ["x"]},
        opening_prefs={"x": ["b", "a"], "y": ["a"]},
        seats={"x": 1, "y": 1},
    )
    assignment = solve(round_)
    assert assignment == {"x": ["b"], "y": ["a"]}
    assert explain(round_, assignment, "a") == [
        "x filled its 1 seat(s) with candidates it ranks above you (1 placed)",
        "placed at y, your choice 2",
    ]


def _three_for(seats):
    return Round(
        candidate_prefs={"a": ["x", "y"], "b": ["x", "y"], "c": ["x", "y"]},
        opening_prefs={"x": ["c", "a", "b"], "y": ["b", "a", "c"]},
        seats=seats,
    )


def test_an_opening_with_exactly_as_many_seats_as_applicants_takes_them_all_in_its_order():
    assert solve(_three_for({"x": 3, "y": 1})) == {"x": ["c", "a", "b"], "y": []}


def test_one_applicant_more_than_seats_sends_the_one_ranked_last_to_their_next_choice():
    for optimal in ("resident", "hospital"):
        assert solve(_three_for({"x": 2, "y": 1}), optimal=optimal) == {
            "x": ["c", "a"],
            "y": ["b"],
        }


def test_two_openings_with_equal_seats_split_the_candidates_by_rankings_not_by_order():
    round_ = Round(
        candidate_prefs={"a": ["x", "y"], "b": ["x", "y"], "c": ["y", "x"], "d": ["y", "x"]},
        opening_prefs={"x": ["d", "c", "b", "a"], "y": ["a", "b", "c", "d"]},
        seats={"x": 2, "y": 2},
    )
    assert solve(round_, optimal="resident") == {"x": ["b", "a"], "y": ["c", "d"]}
    assert solve(round_, optimal="hospital") == {"x": ["d", "c"], "y": ["a", "b"]}


def test_every_opening_of_the_round_is_in_the_result_even_with_nobody():
    round_ = Round(
        candidate_prefs={"a": ["x", "nowhere"]},
        opening_prefs={"x": ["a"], "empty": [], "closed": ["a"]},
        seats={"x": 1, "empty": 2, "closed": 0},
    )
    assert solve(round_) == {"x": ["a"], "empty": [], "closed": []}
    assert solve(round_, optimal="hospital") == {"x": ["a"], "empty": [], "closed": []}


def test_a_stranger_an_opening_ranks_without_being_asked_is_not_placed_there():
    round_ = Round(
        candidate_prefs={"a": ["y"], "b": ["x"]},
        opening_prefs={"x": ["a", "b"], "y": ["a"]},
        seats={"x": 1, "y": 1},
    )
    for optimal in ("resident", "hospital"):
        assert solve(round_, optimal=optimal) == {"x": ["b"], "y": ["a"]}


def test_a_free_seat_left_to_an_acceptable_candidate_is_a_blocking_pair():
    round_ = Round({"a": ["x"]}, {"x": ["a"]}, {"x": 1})
    assert blocking_pairs(round_, {"x": []}) == [("a", "x")]


def test_asking_for_neither_side_is_an_error():
    with pytest.raises(ValueError, match="resident"):
        solve(ROUND, optimal="firms")  # type: ignore[arg-type]
