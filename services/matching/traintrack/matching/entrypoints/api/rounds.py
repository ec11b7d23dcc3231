"""Match rounds: candidates rank openings, firms rank applicants (or leave it to the
platform), an operator solves the round; everyone may ask why."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.commands import OpenRound, RankCandidates, RankOpenings, SolveRound
from traintrack.matching.entrypoints.api.deps import (
    Bus,
    FirmKey,
    InstituteKey,
    InstituteOrOperatorKey,
    OperatorKey,
    SettingsDep,
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
from traintrack.matching.handlers.solving import Queued
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])
_ROUND_FIELDS = list(RoundPublic.model_fields)
QUEUED: dict[int | str, dict[str, Any]] = {
    202: {
        "model": RoundPublic,
        "description": "Too large to solve within one request: queued for the background "
        "solver. The round (at Location) shows status `solving` and its progress, then "
        "`completed` with its result.",
        "headers": {"Location": {"schema": {"type": "string"}, "description": "the round's URL"}},
    }
}


def _public(row: Row) -> RoundPublic:
    return RoundPublic.model_validate({k: row.get(k) for k in _ROUND_FIELDS})


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def open_round(body: RoundCreate, bus: Bus, caller: OperatorKey) -> RoundPublic:
    """Open a round over the named openings (default: every open one)."""
    row = await bus.handle(OpenRound(caller=caller, **body.model_dump()))
    return _public(row)


@router.get("/{round_id}")
async def get_round(round_id: IdPath, views: Views, _: InstituteOrOperatorKey) -> RoundPublic:
    """The round and its openings; its progress while solved in the background, its result
    once completed."""
    return _public(await views.round(round_id))


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


@router.post("/{round_id}/solve", response_model=RoundResult, responses={**QUEUED, **errors(409)})
async def solve_round(
    round_id: IdPath, bus: Bus, settings: SettingsDep, _: OperatorKey
) -> RoundResult | JSONResponse:
    """Stable matching with seat capacities (hospital-resident); the result is checked for
    blocking pairs and every seat filled becomes an offer. A round listing more pairs than
    the service solves in one request is queued instead (202)."""
    done = await bus.handle(SolveRound(round_id, queue_above=settings.round_background_pairs))
    if isinstance(done, Queued):
        return JSONResponse(
            _public(done.round_).model_dump(mode="json"),
            status_code=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/v1/rounds/{round_id}"},
        )
    return RoundResult(**done)


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
