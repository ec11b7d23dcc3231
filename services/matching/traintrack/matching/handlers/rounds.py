"""Match rounds: opening one and collecting the preferences of both sides (solving is
`solving.py`)."""

from __future__ import annotations

from traintrack.matching.adapters.mapping import Row, as_candidate
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.commands import OpenRound, RankCandidates, RankOpenings
from traintrack.matching.domain.access import Caller, owns, speaks_for
from traintrack.matching.domain.candidates import visible
from traintrack.matching.handlers import disclosure
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
    # Refused at once while queued or solved in the background (the solving transaction
    # holds the round's lock for as long as the solve takes).
    seen = await uow.rounds.get_round(round_id)
    if seen is not None and seen["status"] != "open":
        raise Conflict(f"round {round_id} is {seen['status']}")
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
