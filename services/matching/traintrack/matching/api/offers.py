"""Offers (from rounds, or direct) and the internships they become."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from traintrack.matching import offers
from traintrack.matching.api.deps import AnyKey, FirmKey, InstituteKey, OperatorKey, PoolDep
from traintrack.matching.api.schemas import (
    InternshipCompletion,
    InternshipPublic,
    InternshipStart,
    OfferCreate,
    OfferPublic,
)
from traintrack.matching.domain.offers import OfferStatus
from traintrack.matching.store import firms
from traintrack.matching.store import offers as store
from traintrack.platform.errors import NotFound
from traintrack.platform.web.auth import Principal, Role

router = APIRouter(prefix="/v1", tags=["offers"])


def _scope(principal: Principal) -> dict[str, str | None]:
    return {
        "firm_id": principal.tenant if principal.role is Role.FIRM else None,
        "institute_id": principal.tenant if principal.role is Role.INSTITUTE else None,
    }


@router.post("/offers", status_code=status.HTTP_201_CREATED)
async def make_offer(body: OfferCreate, pool: PoolDep, principal: FirmKey) -> OfferPublic:
    """A direct offer, outside rounds, to a candidate you were shown, for a free seat."""
    async with pool.acquire() as conn, conn.transaction():
        opening = await firms.get_opening(conn, body.opening_id)
        if opening is None or opening["firm_id"] != principal.tenant:
            raise NotFound(f"opening {body.opening_id}")
        row = await offers.make_offer(conn, round_id=None, **body.model_dump())
    return OfferPublic(**offers.offer_view(row))


@router.get("/offers")
async def list_offers(
    pool: PoolDep,
    principal: AnyKey,
    offer_status: Annotated[
        Literal["pending", "accepted", "declined", "expired"] | None, Query(alias="status")
    ] = None,
) -> list[OfferPublic]:
    """Firms see their offers, institutes their trainees', operators all."""
    async with pool.acquire() as conn:
        rows = await store.list_offers(conn, status=offer_status, **_scope(principal))
    return [OfferPublic(**offers.offer_view(r)) for r in rows]


@router.post("/offers/{offer_id}/accept")
async def accept_offer(offer_id: str, pool: PoolDep, principal: InstituteKey) -> OfferPublic:
    """The candidate accepts (through their institute, which then puts the firm in touch
    with them: contact details never pass through this service)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await offers.answer(conn, principal, offer_id, OfferStatus.ACCEPTED)
    return OfferPublic(**offers.offer_view(row))


@router.post("/offers/{offer_id}/decline")
async def decline_offer(offer_id: str, pool: PoolDep, principal: InstituteKey) -> OfferPublic:
    """The candidate declines; the seat is free for the next round."""
    async with pool.acquire() as conn, conn.transaction():
        row = await offers.answer(conn, principal, offer_id, OfferStatus.DECLINED)
    return OfferPublic(**offers.offer_view(row))


@router.post("/offers/expire-due")
async def expire_due_offers(pool: PoolDep, _: OperatorKey) -> dict[str, int]:
    """Expire every pending offer past its time now (the service also does this itself,
    every `MATCHING_EXPIRY_INTERVAL_SECONDS`)."""
    async with pool.acquire() as conn, conn.transaction():
        return {"expired": await offers.expire_due(conn)}


@router.get("/internships")
async def list_internships(pool: PoolDep, principal: AnyKey) -> list[InternshipPublic]:
    """Firms see their interns, institutes their trainees', operators all."""
    async with pool.acquire() as conn:
        rows = await store.list_internships(conn, **_scope(principal))
    return [InternshipPublic(**dict(r)) for r in rows]


@router.post("/internships/{internship_id}/start")
async def start_internship(
    internship_id: str, body: InternshipStart, pool: PoolDep, principal: FirmKey
) -> InternshipPublic:
    """The intern started."""
    async with pool.acquire() as conn, conn.transaction():
        row = await offers.start_internship(conn, principal, internship_id, body.started_on)
    return InternshipPublic(**dict(row))


@router.post("/internships/{internship_id}/complete")
async def complete_internship(
    internship_id: str, body: InternshipCompletion, pool: PoolDep, principal: FirmKey
) -> InternshipPublic:
    """The internship ended; include `hire` when you hire the intern."""
    async with pool.acquire() as conn, conn.transaction():
        row = await offers.complete_internship(
            conn,
            principal,
            internship_id,
            completed_on=body.completed_on,
            hire=body.hire.model_dump() if body.hire else None,
        )
    return InternshipPublic(**dict(row))
