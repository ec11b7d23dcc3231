"""Hospital-resident (college admissions with capacities) on integer indices: deferred
acceptance from either side, in time linear in the total length of the preference lists
(times log of a seat count).

Candidates are 0..n-1 and openings 0..m-1. The caller has already reduced the game to
mutually acceptable pairs and laid them out flat, each candidate's best first: candidate
i's choices are the entries k in range(start[i], start[i + 1]), entry k naming opening
`opening_of[k]` and the candidate's place in that opening's ranking, `place[k]` (lower is
better). Flat lists keep a large round's working set small and mostly read in order.
Both stable matchings are unique, so the order proposals are made in does not change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from heapq import heappush, heapreplace

Held = list[list[int]]  # opening -> candidates it holds, in no particular order
UNRANKED = 2**62  # the place of a holder the opening did not rank: worse than anyone's


@dataclass(frozen=True)
class Game:
    start: list[int]  # n + 1 offsets into the entries
    opening_of: list[int]  # entry -> opening
    place: list[int]  # entry -> the candidate's place in that opening's ranking
    seats: list[int]  # opening -> seats to fill

    def owners(self) -> list[int]:
        """Entry -> the candidate whose choice it is."""
        return [
            i for i in range(len(self.start) - 1) for _ in range(self.start[i + 1] - self.start[i])
        ]

    def place_of(self, i: int, j: int) -> int | None:
        """Candidate i's place in opening j's ranking, if j is one of i's choices."""
        for k in range(self.start[i], self.start[i + 1]):
            if self.opening_of[k] == j:
                return self.place[k]
        return None


def candidates_propose(game: Game) -> Held:
    """The candidate-optimal stable matching (the resident-optimal one)."""
    start, opening_of, place, seats = game.start, game.opening_of, game.place, game.seats
    # Each opening keeps its holders in a max-heap of (-place, candidate): the worst holder
    # is at the top, the one a better proposer bumps.
    held: list[list[tuple[int, int]]] = [[] for _ in seats]
    following = start[:-1]  # each candidate's next entry to propose with
    free = list(range(len(following)))
    while free:
        i = free.pop()
        k, end = following[i], start[i + 1]
        while k < end:
            j, p = opening_of[k], place[k]
            k += 1
            heap = held[j]
            if len(heap) < seats[j]:
                heappush(heap, (-p, i))
                break
            if p < -heap[0][0]:
                free.append(heapreplace(heap, (-p, i))[1])
                break
        following[i] = k
    return [[i for _, i in heap] for heap in held]


def openings_propose(game: Game) -> Held:
    """The opening-optimal stable matching (the hospital-optimal one)."""
    opening_of, seats = game.opening_of, game.seats
    owner = game.owners()
    # Each opening's entries in its ranking's order. A candidate prefers the entry that
    # comes first in their own list: the smaller entry number.
    ranked: list[list[tuple[int, int]]] = [[] for _ in seats]
    for k, j in enumerate(opening_of):
        ranked[j].append((game.place[k], k))
    for entries in ranked:
        entries.sort()
    holding = [-1] * (len(game.start) - 1)  # candidate -> entry held, or -1
    count = [0] * len(seats)
    following = [0] * len(seats)
    short = [j for j in range(len(seats)) if seats[j] > 0]
    while short:
        j = short.pop()
        mine = ranked[j]
        while count[j] < seats[j] and following[j] < len(mine):
            k = mine[following[j]][1]
            following[j] += 1
            i = owner[k]
            current = holding[i]
            if current == -1 or k < current:
                holding[i], count[j] = k, count[j] + 1
                if current != -1:
                    left = opening_of[current]
                    count[left] -= 1
                    short.append(left)
    held: Held = [[] for _ in seats]
    for i, k in enumerate(holding):
        if k != -1:
            held[opening_of[k]].append(i)
    return held


def blocking(game: Game, held: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """(candidate, opening) pairs that would both rather have each other than what `held`
    gives them: linear in the total length of the lists."""
    start, opening_of, place, seats = game.start, game.opening_of, game.place, game.seats
    holder = [-1] * (len(start) - 1)
    worst = [-1] * len(seats)  # the place of each opening's worst holder
    for j, holders in enumerate(held):
        for i in holders:
            holder[i] = j
            p = game.place_of(i, j)
            worst[j] = max(worst[j], UNRANKED if p is None else p)
    found = []
    for i in range(len(start) - 1):
        for k in range(start[i], start[i + 1]):
            j = opening_of[k]
            if j == holder[i]:
                break
            if len(held[j]) < seats[j] or worst[j] > place[k]:
                found.append((i, j))
    return found
