"""Rounds: opening, ranking on both sides, solving."""

import pytest

from tests.unit.matching.fakes import (
    FIRM,
    INSTITUTE,
    OPERATOR,
    OTHER_FIRM,
    OTHER_INSTITUTE,
    with_candidate,
    with_opening,
)
from traintrack.matching.commands import OpenRound, RankCandidates, RankOpenings, SolveRound
from traintrack.platform.errors import Conflict, NotFound, Rejected


def open_round(round_id="r-1", opening_ids=None):
    return OpenRound(OPERATOR, round_id, opening_ids, "candidates", 7)


async def test_a_round_covers_every_open_opening_unless_told_which(uow, handle):
    with_opening(uow, "op-2")
    with_opening(uow, "op-1")
    row = await handle(open_round())
    assert (row["opening_ids"], row["status"]) == (["op-1", "op-2"], "open")
    with pytest.raises(Conflict, match="round r-1 exists"):
        await handle(open_round())
    with pytest.raises(Rejected, match="not open openings: op-9"):
        await handle(open_round("r-2", ["op-1", "op-9"]))


async def test_a_round_needs_an_open_opening(handle):
    with pytest.raises(Rejected, match="at least one open opening"):
        await handle(open_round())


async def test_ranking_openings_discloses_the_candidate_to_each_firm_ranked(uow, handle):
    with_opening(uow, "op-1")
    with_opening(uow, "op-2", firm_id="firm-b")
    with_candidate(uow, "t-1")
    await handle(open_round())
    await handle(RankOpenings(INSTITUTE, "r-1", "t-1", ["op-2", "op-1"]))
    assert uow.rounds.candidate_prefs["r-1"] == {"t-1": ["op-2", "op-1"]}
    assert uow.feed.kinds("firm-a") == uow.feed.kinds("firm-b") == [("candidate-delivered", "t-1")]
    assert [(e.firm_id, e.reason) for e in uow.published] == [
        ("firm-b", "round"),
        ("firm-a", "round"),
    ]


async def test_an_institute_ranks_only_for_its_own_trainees_what_they_may_apply_to(uow, handle):
    with_opening(uow, "op-1", minimum_stage=4)
    with_opening(uow, "op-2")
    with_candidate(uow, "t-1", stage=3)
    await handle(open_round())
    with pytest.raises(NotFound, match="candidate t-1"):
        await handle(RankOpenings(OTHER_INSTITUTE, "r-1", "t-1", ["op-2"]))
    with pytest.raises(Rejected, match="ranked twice"):
        await handle(RankOpenings(INSTITUTE, "r-1", "t-1", ["op-2", "op-2"]))
    with pytest.raises(Conflict, match="op-1 requires stage 4"):
        await handle(RankOpenings(INSTITUTE, "r-1", "t-1", ["op-1"]))
    assert (uow.rounds.candidate_prefs, uow.published) == ({}, [])


async def test_a_firm_ranks_only_its_own_openings_applicants(uow, handle):
    with_opening(uow, "op-1")
    with_candidate(uow, "t-1")
    with_candidate(uow, "t-2")
    await handle(open_round())
    await handle(RankOpenings(INSTITUTE, "r-1", "t-1", ["op-1"]))
    with pytest.raises(NotFound, match="opening op-1"):
        await handle(RankCandidates(OTHER_FIRM, "r-1", "op-1", ["t-1"]))
    with pytest.raises(Rejected, match="did not apply to this opening: t-2"):
        await handle(RankCandidates(FIRM, "r-1", "op-1", ["t-1", "t-2"]))
    await handle(RankCandidates(FIRM, "r-1", "op-1", ["t-1"]))
    assert uow.rounds.opening_prefs["r-1"] == {"op-1": ["t-1"]}


async def test_solving_fills_the_seats_stably_with_offers_and_closes_the_round(uow, handle):
    with_opening(uow, "op-1", seats=1)
    with_candidate(uow, "t-low", score=10.0)
    with_candidate(uow, "t-high", score=90.0)
    await handle(open_round())
    for trainee in ("t-low", "t-high"):
        await handle(RankOpenings(INSTITUTE, "r-1", trainee, ["op-1"]))
    uow.published.clear()
    result = await handle(SolveRound("r-1"))
    assert {k: v for k, v in result.items() if k != "solve_seconds"} == {
        "round_id": "r-1",
        "candidates": 2,
        "openings": 1,
        "matched": 1,
        "seats": 1,
        "blocking_pairs": 0,
    }
    [offer] = uow.offers.offers.values()
    assert (offer["trainee_id"], offer["round_id"], offer["status"]) == ("t-high", "r-1", "pending")
    assert uow.rounds.rounds["r-1"]["assignment"] == {"op-1": ["t-high"]}
    assert uow.published_types() == [
        "traintrack.matching.offer-made.v1",
        "traintrack.matching.round-completed.v1",
    ]
    with pytest.raises(Conflict, match="round r-1 is completed"):
        await handle(SolveRound("r-1"))
