"""Match rounds: candidates rank openings, firms rank applicants (or leave it to the
platform), an operator solves the round; everyone may ask why."""

from __future__ import annotations

from fastapi import APIRouter, status

from traintrack.matching import rounds
from traintrack.matching.api.deps import (
    FirmKey,
    InstituteKey,
    InstituteOrOperatorKey,
    OperatorKey,
    PoolDep,
)
from traintrack.matching.api.schemas import (
    CandidateProfile,
    CandidateRanking,
    Explanation,
    OpeningRanking,
    RoundCreate,
    RoundPublic,
    RoundResult,
)
from traintrack.matching.store import rounds as store
from traintrack.platform.errors import NotFound

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])
_ROUND_FIELDS = list(RoundPublic.model_fields)


@router.post("", status_code=status.HTTP_201_CREATED)
async def open_round(body: RoundCreate, pool: PoolDep, _: OperatorKey) -> RoundPublic:
    """Open a round over the named openings (default: every open one)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await rounds.open_round(conn, **body.model_dump())
    return RoundPublic(**{k: row[k] for k in _ROUND_FIELDS})


@router.get("/{round_id}")
async def get_round(round_id: str, pool: PoolDep, _: InstituteOrOperatorKey) -> RoundPublic:
    """The round and its openings."""
    async with pool.acquire() as conn:
        row = await store.get_round(conn, round_id)
    if row is None:
        raise NotFound(f"round {round_id}")
    return RoundPublic(**{k: row[k] for k in _ROUND_FIELDS})


@router.put("/{round_id}/candidates/{trainee_id}/ranking", status_code=204)
async def rank_openings(
    round_id: str, trainee_id: str, body: CandidateRanking, pool: PoolDep, principal: InstituteKey
) -> None:
    """The candidate's openings, best first, sent by their institute. Ranking an opening
    discloses the candidate's profile to its firm."""
    async with pool.acquire() as conn, conn.transaction():
        await rounds.rank_openings(conn, principal, round_id, trainee_id, body.opening_ids)


@router.get("/{round_id}/openings/{opening_id}/applicants")
async def applicants(
    round_id: str, opening_id: str, pool: PoolDep, principal: FirmKey
) -> list[CandidateProfile]:
    """Who ranked your opening, in the order the platform would rank them (stage, skills
    in common, region, project score)."""
    async with pool.acquire() as conn:
        found = await rounds.applicants(conn, principal, round_id, opening_id)
    return [CandidateProfile(**p) for p in found]


@router.put("/{round_id}/openings/{opening_id}/ranking", status_code=204)
async def rank_candidates(
    round_id: str, opening_id: str, body: OpeningRanking, pool: PoolDep, principal: FirmKey
) -> None:
    """Your own ranking of the applicants; those left out will not be offered a seat.
    Without one, the platform's ranking is used."""
    async with pool.acquire() as conn, conn.transaction():
        await rounds.rank_candidates(conn, principal, round_id, opening_id, body.trainee_ids)


@router.post("/{round_id}/solve")
async def solve_round(round_id: str, pool: PoolDep, _: OperatorKey) -> RoundResult:
    """Stable matching with seat capacities (hospital-resident); the result is checked for
    blocking pairs and every seat filled becomes an offer."""
    async with pool.acquire() as conn, conn.transaction():
        return RoundResult(**await rounds.solve(conn, round_id))


@router.get("/{round_id}/candidates/{trainee_id}/explanation")
async def explain(
    round_id: str, trainee_id: str, pool: PoolDep, principal: InstituteOrOperatorKey
) -> Explanation:
    """Why the candidate got the seat they got, or none."""
    async with pool.acquire() as conn:
        reasons = await rounds.explain(conn, principal, round_id, trainee_id)
    return Explanation(round_id=round_id, trainee_id=trainee_id, reasons=reasons)
