"""Hospital-resident (college admissions with capacities) on integer indices: deferred
acceptance from either side, in time linear in the total length of the preference lists
(times log of a seat count).

Candidates are 0..n-1 and openings 0..m-1. The caller has already reduced the game to
mutually acceptable pairs: `prefs[i]` lists candidate i's openings best first, and
`rank[j]` maps each candidate who listed opening j to their place in j's ranking (lower is
better). Both stable matchings are unique, so the order proposals are made in does not
change the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heappush, heapreplace

Held = list[list[int]]  # opening -> candidates it holds, in no particular order


def candidates_propose(
    prefs: Sequence[Sequence[int]], rank: Sequence[dict[int, int]], seats: Sequence[int]
) -> Held:
    """The candidate-optimal stable matching (the resident-optimal one)."""
    # Each opening keeps its holders in a max-heap of (-rank, candidate): the worst holder
    # is at the top, the one a better proposer bumps.
    held: list[list[tuple[int, int]]] = [[] for _ in seats]
    following = [0] * len(prefs)  # the next place in each candidate's list to propose to
    free = list(range(len(prefs)))
    while free:
        i = free.pop()
        mine = prefs[i]
        while following[i] < len(mine):
            j = mine[following[i]]
            following[i] += 1
            r = rank[j][i]
            heap = held[j]
            if len(heap) < seats[j]:
                heappush(heap, (-r, i))
                break
            if r < -heap[0][0]:
                free.append(heapreplace(heap, (-r, i))[1])
                break
    return [[i for _, i in heap] for heap in held]


def openings_propose(
    prefs: Sequence[Sequence[int]], rank: Sequence[dict[int, int]], seats: Sequence[int]
) -> Held:
    """The opening-optimal stable matching (the hospital-optimal one)."""
    # The openings' lists, best first, and each candidate's ranking of their openings.
    ranked = [sorted(r, key=r.__getitem__) for r in rank]
    choice = [{j: k for k, j in enumerate(mine)} for mine in prefs]
    holder = [-1] * len(prefs)  # the opening each candidate holds, or -1
    count = [0] * len(seats)
    following = [0] * len(seats)
    short = [j for j in range(len(seats)) if seats[j] > 0]
    while short:
        j = short.pop()
        mine = ranked[j]
        while count[j] < seats[j] and following[j] < len(mine):
            i = mine[following[j]]
            following[j] += 1
            current = holder[i]
            if current == -1:
                holder[i], count[j] = j, count[j] + 1
            elif choice[i][j] < choice[i][current]:
                holder[i], count[j] = j, count[j] + 1
                count[current] -= 1
                short.append(current)
    held: Held = [[] for _ in seats]
    for i, j in enumerate(holder):
        if j != -1:
            held[j].append(i)
    return held


def blocking(
    prefs: Sequence[Sequence[int]], rank: Sequence[dict[int, int]], seats: Sequence[int], held: Held
) -> list[tuple[int, int]]:
    """(candidate, opening) pairs that would both rather have each other than what `held`
    gives them: linear in the total length of the lists."""
    holder = [-1] * len(prefs)
    worst = [-1] * len(seats)  # the place of each opening's worst holder
    for j, holders in enumerate(held):
        for i in holders:
            holder[i] = j
            worst[j] = max(worst[j], rank[j][i])
    found = []
    for i, mine in enumerate(prefs):
        for j in mine:
            if j == holder[i]:
                break
            if len(held[j]) < seats[j] or worst[j] > rank[j][i]:
                found.append((i, j))
    return found
