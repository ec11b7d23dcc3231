"""A match round: candidates rank openings, openings rank candidates (or the platform
ranks them), and a stable matching with seat capacities is found by deferred acceptance
(`stable`), candidate-proposing by default.

Only mutually acceptable pairs enter the game (an opening that does not rank a candidate
is dropped from that candidate's list). The result is checked for blocking pairs and
each candidate's outcome can be explained.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from traintrack.matching.domain import stable

Optimal = Literal["resident", "hospital"]


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


Assignment = dict[str, list[str]]  # opening -> candidates it got, in its ranking's order


def places(ranking: Sequence[str]) -> dict[str, int]:
    """Each name's place in a ranking (the first, should a name appear twice)."""
    return dict(zip(reversed(ranking), range(len(ranking) - 1, -1, -1), strict=True))


@dataclass(frozen=True)
class Indexed:
    """The game on integers (`stable.Game`): names mapped to indices once, and only the
    mutually acceptable pairs, each with its place in the opening's ranking (never an
    openings x candidates table)."""

    candidates: list[str]
    openings: list[str]
    game: stable.Game


def index(round_: Round) -> Indexed:
    """One pass over the candidates' lists; each opening's ranking is looked up by name
    only for the candidates who listed it (a transient dict the size of its ranking)."""
    openings = list(round_.opening_prefs)
    seats = [max(round_.seats.get(o, 0), 0) for o in openings]
    # Openings with no seat to give are nobody's choice.
    at = {o: j for j, o in enumerate(openings) if seats[j] > 0}
    by_name = [
        places(round_.opening_prefs[o]) if seats[j] > 0 else {} for j, o in enumerate(openings)
    ]
    candidates = list(round_.candidate_prefs)
    start: list[int] = [0]
    opening_of: list[int] = []
    place: list[int] = []
    for c in candidates:
        first = len(opening_of)
        for o in round_.candidate_prefs[c]:
            j = at.get(o)
            if j is None:
                continue
            p = by_name[j].get(c)  # ranked back, and listed once
            if p is not None and j not in opening_of[first:]:
                opening_of.append(j)
                place.append(p)
        start.append(len(opening_of))
    return Indexed(candidates, openings, stable.Game(start, opening_of, place, seats))


def solve(round_: Round, *, optimal: Optimal = "resident") -> Assignment:
    """Stable assignment; `optimal="resident"` proposes from the candidates' side,
    `"hospital"` from the openings'."""
    assignment, _ = solve_checked(round_, optimal=optimal)
    return assignment


def solve_checked(
    round_: Round, *, optimal: Optimal = "resident"
) -> tuple[Assignment, list[tuple[str, str]]]:
    """`solve`, and the result's blocking pairs (none, unless the algorithm is wrong),
    checked on the same integer game."""
    indexed = index(round_)
    game = indexed.game
    if optimal == "resident":
        held = stable.candidates_propose(game)
    elif optimal == "hospital":
        held = stable.openings_propose(game)
    else:
        raise ValueError(f"optimal is 'resident' or 'hospital', not {optimal!r}")
    names, openings = indexed.candidates, indexed.openings
    assignment = {
        o: [names[i] for _, i in sorted((game.place_of(i, j), i) for i in held[j])]
        for j, o in enumerate(openings)
    }
    blocking = stable.blocking(game, held)
    return assignment, [(names[i], openings[j]) for i, j in blocking]


def blocking_pairs(round_: Round, assignment: Assignment) -> list[tuple[str, str]]:
    """(candidate, opening) pairs that would both rather have each other; linear in the
    total length of the preference lists."""
    placed = {c: o for o, cs in assignment.items() for c in cs}
    rank_of = {
        o: places(prefs) for o, prefs in round_.opening_prefs.items() if round_.seats.get(o, 0) > 0
    }
    # The place of each opening's worst holder (one it does not rank is worse than all).
    worst = {
        o: max((rank_of[o].get(c, len(rank_of[o])) for c in holders), default=-1)
        for o, holders in assignment.items()
        if o in rank_of
    }
    found = []
    for candidate, prefs in round_.candidate_prefs.items():
        current = placed.get(candidate)
        for opening in _acceptable_before(candidate, prefs, current, rank_of):
            holders = len(assignment.get(opening, ()))
            if (
                holders < round_.seats[opening]
                or worst.get(opening, -1) > rank_of[opening][candidate]
            ):
                found.append((candidate, opening))
    return found


def _acceptable_before(
    candidate: str,
    prefs: Iterable[str],
    current: str | None,
    rank_of: Mapping[str, Mapping[str, int]],
) -> list[str]:
    """The candidate's acceptable openings they list above the one they hold (all of
    them if they hold none, or one not acceptable to them)."""
    better: list[str] = []
    for opening in prefs:
        if candidate in rank_of.get(opening, ()):
            if opening == current:
                return better
            better.append(opening)
    return better


def explain(round_: Round, assignment: Assignment, candidate: str) -> list[str]:
    """Why the candidate got the seat they got, or none (reading only the openings they
    listed)."""
    listed = list(round_.candidate_prefs.get(candidate, ()))
    current = next((o for o in listed if candidate in assignment.get(o, ())), None)
    reasons = []
    for choice, opening in enumerate(listed, start=1):
        if opening == current:
            reasons.append(f"placed at {opening}, your choice {choice}")
            break
        if round_.seats.get(opening, 0) <= 0:
            reasons.append(f"{opening} had no seat left in this round")
        elif candidate not in round_.opening_prefs.get(opening, ()):
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
