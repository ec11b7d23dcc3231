"""Solving a match round: the game as it stands, solved and checked, an offer per seat
filled; within the request, or queued for the background loop when the round is large."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from traintrack.contracts import matching as events
from traintrack.matching.adapters.mapping import Row, as_opening, as_round_candidates
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.commands import SolveQueuedRound, SolveRound
from traintrack.matching.domain import rounds as game
from traintrack.matching.domain.candidates import TALENT_POOL_STAGE, Candidate, rank, shown_up_to
from traintrack.matching.domain.offers import free_seats
from traintrack.matching.handlers import offers
from traintrack.platform.errors import Conflict, NotFound


async def build_game(uow: MatchingUnitOfWork, round_: Row) -> tuple[game.Round, dict[str, Row]]:
    """The round as it stands now: free seats, who may still be shown, firms' rankings or
    the platform's; and its openings, locked. Linear in the preferences submitted."""
    # Locks in the order every writer takes them: openings, then candidates (so no direct
    # offer, other round or worker changes them while the game is built and solved).
    locked = await uow.firms.lock_openings(round_["opening_ids"])
    openings = {r["opening_id"]: r for r in locked}
    wishes = await uow.rounds.candidate_preferences(round_["round_id"])
    placed = await uow.rounds.placed_trainees()
    rows = await uow.candidates.in_round([t for t in wishes if t not in placed])
    pool = {c.trainee_id: c for c in as_round_candidates(rows)}
    # The stage each opening needs seen: one comparison per (candidate, opening) listed.
    needed = {o: max(r["minimum_stage"], TALENT_POOL_STAGE) for o, r in openings.items()}
    candidate_prefs: dict[str, list[str]] = {}
    applied: dict[str, list[Candidate]] = {o: [] for o in openings}
    for trainee_id, prefs in wishes.items():
        candidate = pool.get(trainee_id)
        if candidate is None:
            continue
        reach = shown_up_to(candidate)
        mine = candidate_prefs[trainee_id] = [
            o for o in prefs if o in needed and needed[o] <= reach
        ]
        for opening_id in mine:
            applied[opening_id].append(candidate)
    ranked = await uow.rounds.opening_preferences(round_["round_id"])
    opening_prefs = {}
    for opening_id, row in openings.items():
        if opening_id in ranked:  # the firm's own ranking, of those who may still be shown
            chosen = {c.trainee_id for c in applied[opening_id]}
            opening_prefs[opening_id] = [t for t in ranked[opening_id] if t in chosen]
        else:
            opening_prefs[opening_id] = rank(as_opening(row), applied[opening_id])
    seats = {o: free_seats(r["seats"], r["pending"], r["accepted"]) for o, r in openings.items()}
    return game.Round(candidate_prefs, opening_prefs, seats), openings


@dataclass(frozen=True)
class Queued:
    """The round was queued for the background loop (its row, status `solving`)."""

    round_: Row


STEPS = ("building the game", "solving", "making offers")


async def solve_round(command: SolveRound, uow: MatchingUnitOfWork) -> dict[str, Any] | Queued:
    """Solve now, or queue a round too large for one request for the background loop."""
    round_id = command.round_id
    round_ = await uow.rounds.get_round(round_id, lock="update")
    if round_ is None:
        raise NotFound(f"round {round_id}")
    if round_["status"] != "open":
        raise Conflict(f"round {round_id} is {round_['status']}")
    if command.queue_above is not None:
        pairs = await uow.rounds.pairs(round_id)
        if pairs > command.queue_above:
            await uow.rounds.queue(round_id, pairs=pairs, steps=len(STEPS))
            queued = await uow.rounds.public(round_id)
            assert queued is not None
            return Queued(queued)
    return await _solve(uow, round_, background=False)


async def solve_queued_round(command: SolveQueuedRound, uow: MatchingUnitOfWork) -> str | None:
    """Solve the oldest queued round; its id, or None if none waits. A failed attempt is
    recorded in its progress and tried again on the loop's next turn."""
    round_ = await uow.rounds.next_queued()
    if round_ is None:
        return None
    try:
        await _solve(uow, round_, background=True)
    except Exception as error:
        await uow.report_progress(
            round_["round_id"], "failed; trying again", step=0, steps=len(STEPS), error=str(error)
        )
        raise
    return str(round_["round_id"])


async def _solve(uow: MatchingUnitOfWork, round_: Row, *, background: bool) -> dict[str, Any]:
    """Solve, check stability, make an offer for every seat filled, record the result."""
    round_id = round_["round_id"]

    async def reached(step: int) -> None:
        if background:
            await uow.report_progress(round_id, STEPS[step], step=step + 1, steps=len(STEPS))

    await reached(0)
    the_game, openings = await build_game(uow, round_)
    optimal: game.Optimal = "resident" if round_["proposing"] == "candidates" else "hospital"
    await reached(1)
    started = time.perf_counter()
    # CPU work: off the event loop, so the API keeps answering during a large round.
    assignment, blocking = await asyncio.to_thread(game.solve_checked, the_game, optimal=optimal)
    seconds = time.perf_counter() - started
    if blocking:  # the algorithm guarantees none; never hand out an unstable result
        raise RuntimeError(f"round {round_id}: {len(blocking)} blocking pairs")
    await reached(2)
    placements = [
        (opening_id, openings[opening_id]["firm_id"], trainee_id)
        for opening_id, placed in assignment.items()
        for trainee_id in placed
    ]
    await offers.make_round_offers(uow, round_id, placements, round_["offer_days"])
    stored_game = {
        "candidate_prefs": the_game.candidate_prefs,
        "opening_prefs": the_game.opening_prefs,
        "seats": the_game.seats,
    }
    summary: dict[str, Any] = {
        "round_id": round_id,
        "candidates": len(the_game.candidate_prefs),
        "openings": len(the_game.opening_prefs),
        "matched": sum(len(v) for v in assignment.values()),
        "seats": sum(the_game.seats.values()),
        "blocking_pairs": 0,
    }
    result = {**summary, "solve_seconds": round(seconds, 3)}
    await uow.rounds.complete(round_id, stored_game, assignment, result)
    if background:  # in this transaction: seen together with the result
        await uow.rounds.set_progress(round_id, "completed", step=len(STEPS), steps=len(STEPS))
    uow.emit(events.RoundCompleted(**summary, completed_at=datetime.now(UTC)))
    return result
