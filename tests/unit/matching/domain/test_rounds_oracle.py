"""Our deferred acceptance against an independent implementation: the `matching` package's
hospital_resident (a dev dependency, the oracle only), on random rounds, from both sides."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from matching.algorithms import hospital_resident
from matching.players import Hospital, Player

from traintrack.matching.domain import stable
from traintrack.matching.domain.rounds import (
    Assignment,
    Round,
    blocking_pairs,
    index,
    solve,
    solve_checked,
)


def oracle(round_: Round, optimal: str) -> Assignment:
    """The round solved by the `matching` package, on mutually acceptable pairs only."""
    candidate_prefs = {c: prefs for c, prefs in round_.acceptable().items() if prefs}
    opening_prefs = {
        o: [c for c in prefs if o in candidate_prefs.get(c, ())]
        for o, prefs in round_.opening_prefs.items()
    }
    players = {c: Player(c) for c in candidate_prefs}
    hospitals = {o: Hospital(o, round_.seats[o]) for o, prefs in opening_prefs.items() if prefs}
    for name, prefs in candidate_prefs.items():
        players[name].set_prefs([hospitals[o] for o in prefs])
    for name, hospital in hospitals.items():
        hospital.set_prefs([players[c] for c in opening_prefs[name]])
    result = hospital_resident(list(players.values()), list(hospitals.values()), optimal=optimal)
    assignment: Assignment = {o: [] for o in round_.opening_prefs}
    for hospital, matched in result.items():
        order = round_.opening_prefs[hospital.name].index
        assignment[hospital.name] = sorted((p.name for p in matched), key=order)
    return assignment


@st.composite
def rounds(draw):
    """Random sizes and seats (0 included), lists of any length and overlap: openings
    ranking candidates who did not list them, candidates listing openings that do not rank
    them, openings nobody lists, candidates listing nothing."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    candidates = [f"c{i}" for i in range(draw(st.integers(0, 40)))]
    openings = [f"o{j}" for j in range(draw(st.integers(0, 12)))]
    most_seats = draw(st.integers(0, 6))
    return Round(
        candidate_prefs={
            c: rng.sample(openings, rng.randint(0, len(openings))) for c in candidates
        },
        opening_prefs={
            o: rng.sample(candidates, rng.randint(0, len(candidates))) for o in openings
        },
        seats={o: rng.randint(0, most_seats) for o in openings},
    )


@settings(max_examples=400, deadline=None)
@given(rounds(), st.sampled_from(["resident", "hospital"]))
def test_our_round_result_is_exactly_the_oracles_stable_matching(round_, optimal):
    ours = solve(round_, optimal=optimal)
    assert ours == oracle(round_, optimal)
    assert set(ours) == set(round_.opening_prefs)
    assert blocking_pairs(round_, ours) == []


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32))
def test_a_denser_round_matches_the_oracle_from_both_sides(seed):
    rng = random.Random(seed)
    candidates = [f"c{i}" for i in range(rng.randint(50, 200))]
    openings = [f"o{j}" for j in range(rng.randint(5, 30))]
    prefs = {c: rng.sample(openings, min(5, len(openings))) for c in candidates}
    applicants: dict[str, list[str]] = {o: [] for o in openings}
    for c, listed in prefs.items():
        for o in listed:
            applicants[o].append(c)
    # Firms rank most applicants back, in their own order; a few strangers too.
    opening_prefs = {}
    for o, applied in applicants.items():
        others = [c for c in candidates if c not in applied]
        strangers = rng.sample(others, min(3, len(others)))
        opening_prefs[o] = rng.sample(applied + strangers, int(len(applied) * 0.8) + len(strangers))
    round_ = Round(prefs, opening_prefs, {o: rng.randint(0, 8) for o in openings})
    for optimal in ("resident", "hospital"):
        assert solve(round_, optimal=optimal) == oracle(round_, optimal)


@settings(max_examples=200, deadline=None)
@given(rounds(), st.sampled_from(["resident", "hospital"]), st.integers(0, 2**32))
def test_the_integer_check_finds_the_same_blocking_pairs_as_the_named_one(round_, optimal, seed):
    """Checked on an assignment spoiled at random: both checks see the same pairs."""
    ours, blocking = solve_checked(round_, optimal=optimal)
    assert blocking == []
    rng = random.Random(seed)
    spoiled = {o: [c for c in cs if rng.random() < 0.6] for o, cs in ours.items()}
    named = blocking_pairs(round_, spoiled)
    indexed = index(round_)
    held = [[indexed.candidates.index(c) for c in spoiled[o]] for o in indexed.openings]
    found = stable.blocking(indexed.game, held)
    assert sorted((indexed.candidates[i], indexed.openings[j]) for i, j in found) == sorted(named)
