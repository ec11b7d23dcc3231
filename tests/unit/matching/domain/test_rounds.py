import random

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
