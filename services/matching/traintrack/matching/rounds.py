"""Match rounds: collecting preferences, solving, making the offers, explaining results."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg

from traintrack.contracts import matching as events
from traintrack.matching import disclosure, offers
from traintrack.matching.domain import rounds as game
from traintrack.matching.domain.candidates import Candidate, rank, visible
from traintrack.matching.domain.offers import free_seats
from traintrack.matching.events import announce
from traintrack.matching.store import candidates, firms
from traintrack.matching.store import rounds as store
from traintrack.matching.store.candidates import as_candidate, profile
from traintrack.platform.errors import Conflict, NotFound, Rejected
from traintrack.platform.web.auth import Principal


async def open_round(
    conn: asyncpg.Connection,
    *,
    round_id: str,
    opening_ids: list[str] | None,
    proposing: str,
    offer_days: int,
) -> asyncpg.Record:
    """A round over the named openings, or every open one."""
    known = {r["opening_id"] for r in await firms.list_openings(conn, firm_id=None, only_open=True)}
    chosen = sorted(known) if opening_ids is None else opening_ids
    unknown = [o for o in chosen if o not in known]
    if unknown:
        raise Rejected(f"not open openings: {', '.join(unknown)}", field="opening_ids")
    if not chosen:
        raise Rejected("a round needs at least one open opening", field="opening_ids")
    if not await store.add_round(
        conn, round_id=round_id, proposing=proposing, offer_days=offer_days, opening_ids=chosen
    ):
        raise Conflict(f"round {round_id} exists", field="round_id")
    row = await store.get_round(conn, round_id)
    assert row is not None
    return row


async def _open(conn: asyncpg.Connection, round_id: str) -> asyncpg.Record:
    """The round, if still open; shared-locked, so no ranking lands while it is solved."""
    row = await store.get_round(conn, round_id, lock="share")
    if row is None:
        raise NotFound(f"round {round_id}")
    if row["status"] != "open":
        raise Conflict(f"round {round_id} is {row['status']}")
    return row


async def rank_openings(
    conn: asyncpg.Connection,
    principal: Principal,
    round_id: str,
    trainee_id: str,
    opening_ids: list[str],
) -> None:
    """The candidate's ranking (through their institute). Applying discloses the candidate
    to each firm ranked, which their consent allows."""
    round_ = await _open(conn, round_id)
    row = await candidates.get(conn, trainee_id, lock=True)
    if row is None or row["institute_id"] != principal.tenant:
        raise NotFound(f"candidate {trainee_id}")
    if len(set(opening_ids)) != len(opening_ids):
        raise Rejected("an opening is ranked twice", field="opening_ids")
    outside = [o for o in opening_ids if o not in round_["opening_ids"]]
    if outside:
        raise Rejected(f"not in this round: {', '.join(outside)}", field="opening_ids")
    candidate = as_candidate(row)
    openings = [await firms.get_opening(conn, o) for o in opening_ids]
    for opening in openings:
        assert opening is not None
        if not visible(candidate, opening["minimum_stage"]):
            raise Conflict(
                f"{opening['opening_id']} requires stage {opening['minimum_stage']} and consent "
                "to share with firms",
                field="opening_ids",
            )
    await store.set_candidate_preferences(conn, round_id, trainee_id, opening_ids)
    for opening in openings:
        assert opening is not None
        await disclosure.deliver(
            conn, opening["firm_id"], row, reason="round", minimum_stage=opening["minimum_stage"]
        )


async def _own_opening(
    conn: asyncpg.Connection, principal: Principal, round_: asyncpg.Record, opening_id: str
) -> asyncpg.Record:
    opening = await firms.get_opening(conn, opening_id)
    if opening is None or opening["firm_id"] != principal.tenant:
        raise NotFound(f"opening {opening_id}")
    if opening_id not in round_["opening_ids"]:
        raise NotFound(f"opening {opening_id} in round {round_['round_id']}")
    return opening


async def applicants(
    conn: asyncpg.Connection, principal: Principal, round_id: str, opening_id: str
) -> list[dict[str, Any]]:
    """Who ranked the opening, best fit first (the ranking the platform would use)."""
    round_ = await store.get_round(conn, round_id)
    if round_ is None:
        raise NotFound(f"round {round_id}")
    opening = await _own_opening(conn, principal, round_, opening_id)
    rows = {
        r["trainee_id"]: r
        for r in await candidates.many(conn, await store.applicants(conn, round_id, opening_id))
    }
    order = rank(firms.as_opening(opening), [as_candidate(r) for r in rows.values()])
    return [profile(rows[t]) for t in order]


async def rank_candidates(
    conn: asyncpg.Connection,
    principal: Principal,
    round_id: str,
    opening_id: str,
    trainee_ids: list[str],
) -> None:
    """The firm's own ranking; candidates it leaves out are not acceptable to it."""
    round_ = await _open(conn, round_id)
    await _own_opening(conn, principal, round_, opening_id)
    applied = set(await store.applicants(conn, round_id, opening_id))
    if len(set(trainee_ids)) != len(trainee_ids):
        raise Rejected("a candidate is ranked twice", field="trainee_ids")
    strangers = [t for t in trainee_ids if t not in applied]
    if strangers:
        raise Rejected(
            f"did not apply to this opening: {', '.join(strangers)}", field="trainee_ids"
        )
    await store.set_opening_preferences(conn, round_id, opening_id, trainee_ids)


async def build_game(
    conn: asyncpg.Connection, round_: asyncpg.Record
) -> tuple[game.Round, dict[str, asyncpg.Record]]:
    """The round as it stands now: free seats, who may still be shown, firms' rankings or
    the platform's; and its openings, locked."""
    # Locks in the order every writer takes them: openings, then candidates (so no direct
    # offer, other round or worker changes them while the game is built and solved).
    openings = {r["opening_id"]: r for r in await firms.lock_openings(conn, round_["opening_ids"])}
    wishes = await store.candidate_preferences(conn, round_["round_id"])
    rows = await candidates.many(conn, list(wishes), lock=True)
    pool = {r["trainee_id"]: as_candidate(r) for r in rows}
    placed = await store.placed_trainees(conn)
    candidate_prefs = {
        t: [o for o in prefs if visible(pool[t], openings[o]["minimum_stage"])]
        for t, prefs in wishes.items()
        if t in pool and t not in placed
    }
    ranked = await store.opening_preferences(conn, round_["round_id"])
    applied: dict[str, list[Candidate]] = {o: [] for o in openings}
    for trainee_id, prefs in candidate_prefs.items():
        for opening_id in prefs:
            applied[opening_id].append(pool[trainee_id])
    opening_prefs = {}
    for opening_id, row in openings.items():
        platform = rank(firms.as_opening(row), applied[opening_id])
        chosen = set(platform)
        opening_prefs[opening_id] = (
            [t for t in ranked[opening_id] if t in chosen] if opening_id in ranked else platform
        )
    seats = {o: free_seats(r["seats"], r["pending"], r["accepted"]) for o, r in openings.items()}
    return game.Round(candidate_prefs, opening_prefs, seats), openings


async def solve(conn: asyncpg.Connection, round_id: str) -> dict[str, Any]:
    """Solve, check stability, make an offer for every seat filled, record the result."""
    round_ = await store.get_round(conn, round_id, lock="update")
    if round_ is None:
        raise NotFound(f"round {round_id}")
    if round_["status"] != "open":
        raise Conflict(f"round {round_id} is {round_['status']}")
    the_game, openings = await build_game(conn, round_)
    optimal = "resident" if round_["proposing"] == "candidates" else "hospital"
    started = time.perf_counter()
    # CPU work: off the event loop, so the API keeps answering during a large round.
    assignment = await asyncio.to_thread(game.solve, the_game, optimal=optimal)
    blocking = await asyncio.to_thread(game.blocking_pairs, the_game, assignment)
    seconds = time.perf_counter() - started
    if blocking:  # the algorithm guarantees none; never hand out an unstable result
        raise RuntimeError(f"round {round_id}: {len(blocking)} blocking pairs")
    placements = [
        (opening_id, openings[opening_id]["firm_id"], trainee_id)
        for opening_id, placed in assignment.items()
        for trainee_id in placed
    ]
    await offers.make_round_offers(conn, round_id, placements, round_["offer_days"])
    stored_game = {
        "candidate_prefs": the_game.candidate_prefs,
        "opening_prefs": the_game.opening_prefs,
        "seats": the_game.seats,
    }
    await store.complete(conn, round_id, stored_game, assignment)
    summary: dict[str, Any] = {
        "round_id": round_id,
        "candidates": len(the_game.candidate_prefs),
        "openings": len(the_game.opening_prefs),
        "matched": sum(len(v) for v in assignment.values()),
        "seats": sum(the_game.seats.values()),
        "blocking_pairs": 0,
    }
    await announce(conn, events.RoundCompleted(**summary, completed_at=datetime.now(UTC)))
    return {**summary, "solve_seconds": round(seconds, 3)}


async def explain(
    conn: asyncpg.Connection, principal: Principal, round_id: str, trainee_id: str
) -> list[str]:
    round_ = await store.get_round(conn, round_id)
    row = await candidates.get(conn, trainee_id)
    if (
        round_ is None
        or row is None
        or (principal.role.value == "institute" and row["institute_id"] != principal.tenant)
    ):
        raise NotFound(f"candidate {trainee_id} in round {round_id}")
    if round_["status"] != "completed":
        raise Conflict(f"round {round_id} is {round_['status']}; nothing to explain yet")
    stored = round_["game"]
    solved = game.Round(stored["candidate_prefs"], stored["opening_prefs"], stored["seats"])
    if trainee_id not in solved.candidate_prefs:
        return ["you did not take part in this round (no ranking, or already placed)"]
    return game.explain(solved, round_["assignment"], trainee_id)
