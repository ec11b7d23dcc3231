"""Match rounds: collecting preferences, solving, making the offers."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from traintrack.contracts import matching as events
from traintrack.matching.adapters.mapping import Row, as_candidate, as_opening
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.commands import (
    OpenRound,
    RankCandidates,
    RankOpenings,
    SolveQueuedRound,
    SolveRound,
)
from traintrack.matching.domain import rounds as game
from traintrack.matching.domain.access import Caller, owns, speaks_for
from traintrack.matching.domain.candidates import (
    TALENT_POOL_STAGE,
    Candidate,
    rank,
    shown_up_to,
    visible,
)
from traintrack.matching.domain.offers import free_seats
from traintrack.matching.handlers import disclosure, offers
from traintrack.platform.errors import Conflict, NotFound, Rejected


async def open_round(command: OpenRound, uow: MatchingUnitOfWork) -> Row:
    """A round over the named openings, or every open one."""
    listed = await uow.firms.list_openings(firm_id=None, only_open=True)
    known = {r["opening_id"] for r in listed}
    chosen = sorted(known) if command.opening_ids is None else command.opening_ids
    unknown = [o for o in chosen if o not in known]
    if unknown:
        raise Rejected(f"not open openings: {', '.join(unknown)}", field="opening_ids")
    if not chosen:
        raise Rejected("a round needs at least one open opening", field="opening_ids")
    if not await uow.rounds.add_round(
        round_id=command.round_id,
        proposing=command.proposing,
        offer_days=command.offer_days,
        opening_ids=chosen,
    ):
        raise Conflict(f"round {command.round_id} exists", field="round_id")
    row = await uow.rounds.get_round(command.round_id)
    assert row is not None
    return row


async def _open(uow: MatchingUnitOfWork, round_id: str) -> Row:
    """The round, if still open; shared-locked, so no ranking lands while it is solved."""
    row = await uow.rounds.get_round(round_id, lock="share")
    if row is None:
        raise NotFound(f"round {round_id}")
    if row["status"] != "open":
        raise Conflict(f"round {round_id} is {row['status']}")
    return row


async def rank_openings(command: RankOpenings, uow: MatchingUnitOfWork) -> None:
    """The candidate's ranking (through their institute). Applying discloses the candidate
    to each firm ranked, which their consent allows."""
    round_ = await _open(uow, command.round_id)
    trainee_id, opening_ids = command.trainee_id, command.opening_ids
    row = await uow.candidates.get(trainee_id, lock=True)
    if row is None or not speaks_for(command.caller, row["institute_id"]):
        raise NotFound(f"candidate {trainee_id}")
    if len(set(opening_ids)) != len(opening_ids):
        raise Rejected("an opening is ranked twice", field="opening_ids")
    outside = [o for o in opening_ids if o not in round_["opening_ids"]]
    if outside:
        raise Rejected(f"not in this round: {', '.join(outside)}", field="opening_ids")
    candidate = as_candidate(row)
    openings = [await uow.firms.get_opening(o) for o in opening_ids]
    for opening in openings:
        assert opening is not None
        if not visible(candidate, opening["minimum_stage"]):
            raise Conflict(
                f"{opening['opening_id']} requires stage {opening['minimum_stage']} and consent "
                "to share with firms",
                field="opening_ids",
            )
    await uow.rounds.set_candidate_preferences(command.round_id, trainee_id, opening_ids)
    for opening in openings:
        assert opening is not None
        await disclosure.deliver(
            uow, opening["firm_id"], row, reason="round", minimum_stage=opening["minimum_stage"]
        )


async def own_opening(uow: MatchingUnitOfWork, caller: Caller, round_: Row, opening_id: str) -> Row:
    """The firm's own opening in the round, or not found."""
    opening = await uow.firms.get_opening(opening_id)
    if opening is None or not owns(caller, opening["firm_id"]):
        raise NotFound(f"opening {opening_id}")
    if opening_id not in round_["opening_ids"]:
        raise NotFound(f"opening {opening_id} in round {round_['round_id']}")
    return opening


async def rank_candidates(command: RankCandidates, uow: MatchingUnitOfWork) -> None:
    """The firm's own ranking; candidates it leaves out are not acceptable to it."""
    round_ = await _open(uow, command.round_id)
    await own_opening(uow, command.caller, round_, command.opening_id)
    applied = set(await uow.rounds.applicants(command.round_id, command.opening_id))
    trainee_ids = command.trainee_ids
    if len(set(trainee_ids)) != len(trainee_ids):
        raise Rejected("a candidate is ranked twice", field="trainee_ids")
    strangers = [t for t in trainee_ids if t not in applied]
    if strangers:
        raise Rejected(
            f"did not apply to this opening: {', '.join(strangers)}", field="trainee_ids"
        )
    await uow.rounds.set_opening_preferences(command.round_id, command.opening_id, trainee_ids)


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
    pool = {r["trainee_id"]: as_candidate(r) for r in rows}
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
