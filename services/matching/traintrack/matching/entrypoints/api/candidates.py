"""The candidate pool as institutes and operators list it, and a candidate's profile as
each caller may see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from traintrack.matching.entrypoints.api.deps import AnyKey, InstituteOrOperatorKey, Views
from traintrack.matching.entrypoints.api.schemas import CandidateProfile
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["delivery"])


@router.get("/candidates", dependencies=[personal_read("candidates", subject=None)])
async def list_candidates(
    views: Views,
    caller: InstituteOrOperatorKey,
    minimum_stage: Annotated[int, Query(ge=0, le=4)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[CandidateProfile]:
    """The pool as this service knows it: an institute's own trainees (to apply to rounds
    for them), or everyone (operators). Firms receive candidates through their feed."""
    found = await views.candidates(caller, minimum_stage, limit)
    return [CandidateProfile(**p) for p in found]


@router.get("/candidates/{trainee_id}", dependencies=[personal_read("candidate")])
async def candidate_profile(trainee_id: IdPath, views: Views, caller: AnyKey) -> CandidateProfile:
    """A candidate's profile: firms only while they may see them, institutes their own."""
    return CandidateProfile(**await views.candidate(caller, trainee_id))
