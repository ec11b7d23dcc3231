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
from traintrack.matching.commands import (
    OpenRound,
    RankCandidates,
    RankOpenings,
    SolveQueuedRound,
    SolveRound,
)
from traintrack.matching.handlers.solving import Queued
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


async def _two_applicants(uow, handle):
    with_opening(uow, "op-1", seats=1)
    with_candidate(uow, "t-low", score=10.0)
    with_candidate(uow, "t-high", score=90.0)
    await handle(open_round())
    for trainee in ("t-low", "t-high"):
        await handle(RankOpenings(INSTITUTE, "r-1", trainee, ["op-1"]))


async def test_a_round_larger_than_the_limit_is_queued_and_closed_to_rankings(uow, handle):
    await _two_applicants(uow, handle)
    assert isinstance(await handle(SolveRound("r-1", queue_above=2)), dict)  # 2 pairs: now
    uow.rounds.rounds["r-1"]["status"] = "open"
    uow.offers.offers.clear()

    queued = await handle(SolveRound("r-1", queue_above=1))
    assert isinstance(queued, Queued)
    assert queued.round_["status"] == "solving"
    assert queued.round_["progress"] | {"pairs": 2} == {
        "phase": "queued", "step": 0, "steps": 3, "pairs": 2, "attempts": 0, "error": None,
    }  # fmt: skip
    assert uow.offers.offers == {}
    with pytest.raises(Conflict, match="round r-1 is solving"):
        await handle(RankOpenings(INSTITUTE, "r-1", "t-low", ["op-1"]))


async def test_the_background_loop_solves_a_queued_round_reporting_each_step(uow, handle):
    await _two_applicants(uow, handle)
    await handle(SolveRound("r-1", queue_above=0))
    assert await handle(SolveQueuedRound()) == "r-1"
    assert [phase for _, phase, _ in uow.reported] == [
        "building the game",
        "solving",
        "making offers",
    ]
    done = uow.rounds.rounds["r-1"]
    assert (done["status"], done["assignment"]) == ("completed", {"op-1": ["t-high"]})
    assert done["result"]["matched"] == 1
    assert uow.rounds.progress["r-1"]["phase"] == "completed"
    assert await handle(SolveQueuedRound()) is None


async def test_a_failed_background_attempt_is_recorded_and_the_round_stays_queued(
    uow, handle, monkeypatch
):
    await _two_applicants(uow, handle)
    await handle(SolveRound("r-1", queue_above=0))

    def broken(*args, **kwargs):
        raise RuntimeError("solver out of memory")

    monkeypatch.setattr("traintrack.matching.domain.rounds.solve_checked", broken)
    with pytest.raises(RuntimeError):
        await handle(SolveQueuedRound())
    assert uow.rounds.rounds["r-1"]["status"] == "solving"
    assert uow.rounds.progress["r-1"] | {"step": 0} == {
        "phase": "failed; trying again", "step": 0, "steps": 3, "pairs": 2, "attempts": 1,
        "error": "solver out of memory",
    }  # fmt: skip
    assert uow.offers.offers == {}
