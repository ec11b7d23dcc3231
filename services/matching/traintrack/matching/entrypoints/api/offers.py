"""Offers (from rounds, or direct) and the internships they become."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from traintrack.matching.adapters.mapping import offer_view
from traintrack.matching.commands import (
    AnswerOffer,
    CompleteInternship,
    ExpireDueOffers,
    MakeOffer,
    StartInternship,
)
from traintrack.matching.domain.offers import OfferStatus
from traintrack.matching.entrypoints.api.deps import (
    AnyKey,
    Bus,
    FirmKey,
    InstituteKey,
    OperatorKey,
    Views,
)
from traintrack.matching.entrypoints.api.schemas import (
    InternshipCompletion,
    InternshipPublic,
    InternshipStart,
    OfferCreate,
    OfferPublic,
)
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["offers"])


@router.post("/offers", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
async def make_offer(body: OfferCreate, bus: Bus, caller: FirmKey) -> OfferPublic:
    """A direct offer, outside rounds, to a candidate you were shown, for a free seat."""
    row = await bus.handle(MakeOffer(caller=caller, **body.model_dump()))
    return OfferPublic(**offer_view(row))


@router.get("/offers")
async def list_offers(
    views: Views,
    caller: AnyKey,
    offer_status: Annotated[
        Literal["pending", "accepted", "declined", "expired"] | None, Query(alias="status")
    ] = None,
) -> list[OfferPublic]:
    """Firms see their offers, institutes their trainees', operators all."""
    return [OfferPublic(**offer_view(r)) for r in await views.offers(caller, offer_status)]


@router.post("/offers/{offer_id}/accept", responses=errors(409))
async def accept_offer(offer_id: IdPath, bus: Bus, caller: InstituteKey) -> OfferPublic:
    """The candidate accepts (through their institute, which then puts the firm in touch
    with them: contact details never pass through this service)."""
    row = await bus.handle(AnswerOffer(caller, offer_id, OfferStatus.ACCEPTED))
    return OfferPublic(**offer_view(row))


@router.post("/offers/{offer_id}/decline", responses=errors(409))
async def decline_offer(offer_id: IdPath, bus: Bus, caller: InstituteKey) -> OfferPublic:
    """The candidate declines; the seat is free for the next round."""
    row = await bus.handle(AnswerOffer(caller, offer_id, OfferStatus.DECLINED))
    return OfferPublic(**offer_view(row))


@router.post("/offers/expire-due")
async def expire_due_offers(bus: Bus, _: OperatorKey) -> dict[str, int]:
    """Expire every pending offer past its time now (the service also does this itself,
    every `MATCHING_EXPIRY_INTERVAL_SECONDS`)."""
    return {"expired": await bus.handle(ExpireDueOffers())}


@router.get("/internships")
async def list_internships(views: Views, caller: AnyKey) -> list[InternshipPublic]:
    """Firms see their interns, institutes their trainees', operators all."""
    return [InternshipPublic(**dict(r)) for r in await views.internships(caller)]


@router.post("/internships/{internship_id}/start", responses=errors(409))
async def start_internship(
    internship_id: IdPath, body: InternshipStart, bus: Bus, caller: FirmKey
) -> InternshipPublic:
    """The intern started."""
    row = await bus.handle(StartInternship(caller, internship_id, body.started_on))
    return InternshipPublic(**dict(row))


@router.post("/internships/{internship_id}/complete", responses=errors(409))
async def complete_internship(
    internship_id: IdPath, body: InternshipCompletion, bus: Bus, caller: FirmKey
) -> InternshipPublic:
    """The internship ended; include `hire` when you hire the intern."""
    hire = body.hire.model_dump() if body.hire else None
    row = await bus.handle(CompleteInternship(caller, internship_id, body.completed_on, hire))
    return InternshipPublic(**dict(row))
