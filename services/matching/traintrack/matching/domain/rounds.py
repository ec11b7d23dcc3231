"""A match round: candidates rank openings, openings rank candidates (or the platform
ranks them), and a stable matching with seat capacities is found by the `matching`
package's hospital-resident algorithm, candidate-proposing by default.

Only mutually acceptable pairs enter the game (an opening that does not rank a candidate
is dropped from that candidate's list). The result is checked for blocking pairs and
each candidate's outcome can be explained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matching.algorithms import hospital_resident
from matching.players import Hospital, Player


@dataclass(frozen=True)
class Round:
    candidate_prefs: Mapping[str, Sequence[str]]  # candidate -> openings, best first
    opening_prefs: Mapping[str, Sequence[str]]  # opening -> candidates, best first
    seats: Mapping[str, int]

    def acceptable(self) -> dict[str, list[str]]:
        """Each candidate's openings that rank them back and still have a seat to give."""
        ranked_by = {
            o: set(prefs) for o, prefs in self.opening_prefs.items() if self.seats.get(o, 0) > 0
        }
        return {
            c: [o for o in prefs if c in ranked_by.get(o, ())]
            for c, prefs in self.candidate_prefs.items()
        }


Assignment = dict[str, list[str]]  # opening -> candidates it got


def solve(round_: Round, *, optimal: str = "resident") -> Assignment:
    """Stable assignment; `optimal="resident"` proposes from the candidates' side."""
    # Players with nobody acceptable left simply stay unmatched (the algorithm expects
    # every player to have a preference).
    candidate_prefs = {c: prefs for c, prefs in round_.acceptable().items() if prefs}
    opening_prefs = {
        o: [c for c in prefs if o in candidate_prefs.get(c, ())]
        for o, prefs in round_.opening_prefs.items()
    }
    candidates = {c: Player(c) for c in candidate_prefs}
    openings = {o: Hospital(o, round_.seats[o]) for o, prefs in opening_prefs.items() if prefs}
    for name, prefs in candidate_prefs.items():
        candidates[name].set_prefs([openings[o] for o in prefs])
    for name, opening in openings.items():
        opening.set_prefs([candidates[c] for c in opening_prefs[name]])
    # The algorithm function works on the players directly; the package's game class
    # deep-copies every player first, which takes minutes at 50,000 candidates.
    result = hospital_resident(list(candidates.values()), list(openings.values()), optimal=optimal)
    assignment: Assignment = {o: [] for o in round_.opening_prefs}
    for opening, matched in result.items():
        order = round_.opening_prefs[opening.name].index
        assignment[opening.name] = sorted((c.name for c in matched), key=order)
    return assignment


def blocking_pairs(round_: Round, assignment: Assignment) -> list[tuple[str, str]]:
    """(candidate, opening) pairs that would both rather have each other."""
    placed = {c: o for o, cs in assignment.items() for c in cs}
    rank_of = {o: {c: i for i, c in enumerate(prefs)} for o, prefs in round_.opening_prefs.items()}
    found = []
    for candidate, prefs in round_.acceptable().items():
        current = placed.get(candidate)
        better = prefs[: prefs.index(current)] if current in prefs else prefs
        for opening in better:
            holders = assignment.get(opening, [])
            if (
                len(holders) < round_.seats[opening]
                or max(rank_of[opening][h] for h in holders) > rank_of[opening][candidate]
            ):
                found.append((candidate, opening))
    return found


def explain(round_: Round, assignment: Assignment, candidate: str) -> list[str]:
    """Why the candidate got the seat they got, or none."""
    placed = {c: o for o, cs in assignment.items() for c in cs}
    listed = list(round_.candidate_prefs.get(candidate, ()))
    acceptable = round_.acceptable().get(candidate, [])
    current = placed.get(candidate)
    reasons = []
    for opening in listed:
        if opening == current:
            reasons.append(f"placed at {opening}, your choice {listed.index(opening) + 1}")
            break
        if round_.seats.get(opening, 0) == 0:
            reasons.append(f"{opening} had no seat left in this round")
        elif opening not in acceptable:
            reasons.append(f"{opening} did not rank you")
        else:
            holders = assignment.get(opening, [])
            reasons.append(
                f"{opening} filled its {round_.seats[opening]} seat(s) with "
                f"candidates it ranks above you ({len(holders)} placed)"
            )
    if current is None:
        reasons.append("no seat in this round; you stay in the pool for the next one")
    return reasons
