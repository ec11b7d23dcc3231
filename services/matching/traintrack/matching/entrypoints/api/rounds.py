"""Match rounds: candidates rank openings, firms rank applicants (or leave it to the
platform), an operator solves the round; everyone may ask why."""

from __future__ import annotations

from fastapi import APIRouter, status

from traintrack.matching.commands import OpenRound, RankCandidates, RankOpenings, SolveRound
from traintrack.matching.entrypoints.api.deps import (
    Bus,
    FirmKey,
    InstituteKey,
    InstituteOrOperatorKey,
    OperatorKey,
    Views,
)
from traintrack.matching.entrypoints.api.schemas import (
    CandidateProfile,
    CandidateRanking,
    Explanation,
    OpeningRanking,
    RoundCreate,
    RoundPublic,
    RoundResult,
)
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])
_ROUND_FIELDS = list(RoundPublic.model_fields)


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def open_round(body: RoundCreate, bus: Bus, caller: OperatorKey) -> RoundPublic:
    """Open a round over the named openings (default: every open one)."""
    row = await bus.handle(OpenRound(caller=caller, **body.model_dump()))
    return RoundPublic(**{k: row[k] for k in _ROUND_FIELDS})


@router.get("/{round_id}")
async def get_round(round_id: IdPath, views: Views, _: InstituteOrOperatorKey) -> RoundPublic:
    """The round and its openings."""
    row = await views.round(round_id)
    return RoundPublic(**{k: row[k] for k in _ROUND_FIELDS})


@router.put("/{round_id}/candidates/{trainee_id}/ranking", status_code=204, responses=errors(409))
async def rank_openings(
    round_id: IdPath, trainee_id: IdPath, body: CandidateRanking, bus: Bus, caller: InstituteKey
) -> None:
    """The candidate's openings, best first, sent by their institute. Ranking an opening
    discloses the candidate's profile to its firm."""
    await bus.handle(RankOpenings(caller, round_id, trainee_id, body.opening_ids))


@router.get("/{round_id}/openings/{opening_id}/applicants")
async def applicants(
    round_id: IdPath, opening_id: IdPath, views: Views, caller: FirmKey
) -> list[CandidateProfile]:
    """Who ranked your opening, in the order the platform would rank them (stage, skills
    in common, region, project score)."""
    found = await views.applicants(caller, round_id, opening_id)
    return [CandidateProfile(**p) for p in found]


@router.put("/{round_id}/openings/{opening_id}/ranking", status_code=204, responses=errors(409))
async def rank_candidates(
    round_id: IdPath, opening_id: IdPath, body: OpeningRanking, bus: Bus, caller: FirmKey
) -> None:
    """Your own ranking of the applicants; those left out will not be offered a seat.
    Without one, the platform's ranking is used."""
    await bus.handle(RankCandidates(caller, round_id, opening_id, body.trainee_ids))


@router.post("/{round_id}/solve", responses=errors(409))
async def solve_round(round_id: IdPath, bus: Bus, _: OperatorKey) -> RoundResult:
    """Stable matching with seat capacities (hospital-resident); the result is checked for
    blocking pairs and every seat filled becomes an offer."""
    return RoundResult(**await bus.handle(SolveRound(round_id)))


@router.get(
    "/{round_id}/candidates/{trainee_id}/explanation",
    dependencies=[personal_read("candidate explanation")],
    responses=errors(409),
)
async def explain(
    round_id: IdPath, trainee_id: IdPath, views: Views, caller: InstituteOrOperatorKey
) -> Explanation:
    """Why the candidate got the seat they got, or none."""
    reasons = await views.explanation(caller, round_id, trainee_id)
    return Explanation(round_id=round_id, trainee_id=trainee_id, reasons=reasons)
