"""Offers and internships: making, answering and expiring offers; running internships.

Firms hear of every change to their offers in their feed. The candidate answers through
their institute (trainees hold no keys); contact details never pass through this service:
on acceptance the institute, which holds them, puts the firm in touch with the trainee.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from traintrack.contracts import matching as events
from traintrack.matching.domain.offers import (
    InternshipStatus,
    OfferStatus,
    free_seats,
    move_internship,
    settle_offer,
)
from traintrack.matching.events import announce
from traintrack.matching.store import candidates, feed, firms
from traintrack.matching.store import offers as store
from traintrack.platform.errors import Conflict, NotFound
from traintrack.platform.web.auth import Principal, Role


def _now() -> datetime:
    return datetime.now(UTC)


def offer_view(row: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k]
        for k in (
            "offer_id",
            "opening_id",
            "firm_id",
            "trainee_id",
            "round_id",
            "status",
            "expires_at",
            "made_at",
            "settled_at",
        )
    }


def _feed_body(offer: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in offer_view(offer).items()
    }


def _ids(offer: asyncpg.Record) -> dict[str, str]:
    """What every settled-offer event names."""
    return {k: offer[k] for k in ("offer_id", "trainee_id", "opening_id", "firm_id")}


async def _tell_firm(conn: asyncpg.Connection, offer: asyncpg.Record, kind: str) -> None:
    await feed.append(conn, offer["firm_id"], kind, offer["trainee_id"], _feed_body(offer))


async def make_offer(
    conn: asyncpg.Connection,
    *,
    opening_id: str,
    trainee_id: str,
    round_id: str | None,
    valid_days: int,
) -> asyncpg.Record:
    """Offer a seat of the opening, if one is free, to a candidate the firm was shown."""
    opening = await firms.get_opening(conn, opening_id, lock=True)
    if opening is None:
        raise NotFound(f"opening {opening_id}")
    if free_seats(opening["seats"], opening["pending"], opening["accepted"]) == 0:
        raise Conflict("every seat of the opening is offered or taken", field="opening_id")
    row = await candidates.get(conn, trainee_id, lock=True)  # the worker waits for us
    shown = await feed.disclosure(conn, opening["firm_id"], trainee_id)
    if row is None or shown is None or not shown["shown"]:
        raise NotFound(f"candidate {trainee_id}")
    if row["stage_reached"] < opening["minimum_stage"]:
        raise Conflict(
            f"the candidate has not reached stage {opening['minimum_stage']}", field="trainee_id"
        )
    if await store.holds_seat(conn, opening_id, trainee_id):
        raise Conflict("the candidate already holds an offer for this opening", field="trainee_id")
    now = _now()
    offer = await store.add_offer(
        conn,
        offer_id=f"offer-{uuid.uuid4().hex[:12]}",
        opening_id=opening_id,
        firm_id=opening["firm_id"],
        trainee_id=trainee_id,
        round_id=round_id,
        expires_at=now + timedelta(days=valid_days),
    )
    await _tell_firm(conn, offer, "offer-made")
    await announce(
        conn,
        events.OfferMade(
            offer_id=offer["offer_id"],
            trainee_id=trainee_id,
            opening_id=opening_id,
            firm_id=opening["firm_id"],
            round_id=round_id,
            expires_at=offer["expires_at"],
            made_at=now,
        ),
    )
    return offer


async def make_round_offers(
    conn: asyncpg.Connection,
    round_id: str,
    placements: list[tuple[str, str, str]],
    valid_days: int,
) -> None:
    """An offer per (opening, firm, trainee) a round placed, in bulk. The round checked
    seats and visibility under the openings' locks."""
    now = _now()
    made: list[dict[str, Any]] = [
        {
            "offer_id": f"offer-{uuid.uuid4().hex[:12]}",
            "opening_id": opening_id,
            "firm_id": firm_id,
            "trainee_id": trainee_id,
            "round_id": round_id,
            "status": OfferStatus.PENDING.value,
            "expires_at": now + timedelta(days=valid_days),
            "made_at": now,
            "settled_at": None,
        }
        for opening_id, firm_id, trainee_id in placements
    ]
    await store.add_offers(conn, made)
    by_firm: dict[str, list[tuple[str, str | None, Any]]] = defaultdict(list)
    for offer in made:
        by_firm[offer["firm_id"]].append(("offer-made", offer["trainee_id"], _feed_body(offer)))
    for firm_id, items in sorted(by_firm.items()):
        await feed.append_many(conn, firm_id, items)
    fields = ("offer_id", "trainee_id", "opening_id", "firm_id", "round_id", "expires_at")
    await announce(
        conn, *[events.OfferMade(**{k: o[k] for k in fields}, made_at=now) for o in made]
    )


async def _settled(
    conn: asyncpg.Connection, offer: asyncpg.Record, to: OfferStatus, now: datetime
) -> asyncpg.Record:
    updated = await store.set_status(conn, offer["offer_id"], to.value, now)
    await _tell_firm(conn, updated, f"offer-{to.value}")
    common = _ids(offer)
    if to is OfferStatus.DECLINED:
        await announce(conn, events.OfferDeclined(**common, settled_at=now))
    elif to is OfferStatus.EXPIRED:
        await announce(conn, events.OfferExpired(**common, settled_at=now))
    return updated


async def answer(
    conn: asyncpg.Connection, principal: Principal, offer_id: str, to: OfferStatus
) -> asyncpg.Record:
    """The candidate's institute accepts or declines on the candidate's behalf."""
    found = await store.get_offer(conn, offer_id)
    candidate = await candidates.get(conn, found["trainee_id"], lock=True) if found else None
    if found is None or candidate is None or candidate["institute_id"] != principal.tenant:
        raise NotFound(f"offer {offer_id}")
    offer = await store.get_offer(conn, offer_id, lock=True)
    assert offer is not None
    now = _now()
    settle_offer(OfferStatus(offer["status"]), to, expires_at=offer["expires_at"], now=now)
    if to is not OfferStatus.ACCEPTED:
        return await _settled(conn, offer, to, now)
    updated = await store.set_status(conn, offer_id, to.value, now)
    await store.add_internship(conn, f"intern-{uuid.uuid4().hex[:12]}", updated)
    await _tell_firm(conn, updated, "offer-accepted")
    common = _ids(offer)
    await announce(
        conn, events.OfferAccepted(**common, settled_at=now, institute_id=principal.tenant)
    )
    return updated


async def expire_due(conn: asyncpg.Connection, now: datetime | None = None) -> int:
    """Expire every pending offer past its time; the seats are free for the next round."""
    now = now or _now()
    due = await store.pending_due(conn, now)
    for offer in due:
        await _settled(conn, offer, OfferStatus.EXPIRED, now)
    return len(due)


async def expire_unshowable(
    conn: asyncpg.Connection, pending: list[asyncpg.Record], *, stage: int, keep_firms: set[str]
) -> None:
    """Pending offers lapse at once when their firm may no longer see the candidate, or
    the candidate no longer holds the stage the opening requires."""
    for offer in pending:
        if offer["firm_id"] not in keep_firms or offer["minimum_stage"] > stage:
            await _settled(conn, offer, OfferStatus.EXPIRED, _now())


async def _own_internship(
    conn: asyncpg.Connection, principal: Principal, internship_id: str
) -> asyncpg.Record:
    row = await store.get_internship(conn, internship_id, lock=True)
    if row is None or (principal.role is Role.FIRM and row["firm_id"] != principal.tenant):
        raise NotFound(f"internship {internship_id}")
    return row


async def start_internship(
    conn: asyncpg.Connection, principal: Principal, internship_id: str, started_on: date
) -> asyncpg.Record:
    row = await _own_internship(conn, principal, internship_id)
    move_internship(InternshipStatus(row["status"]), InternshipStatus.STARTED)
    updated = await store.update_internship(
        conn, internship_id, status=InternshipStatus.STARTED.value, started_on=started_on
    )
    await announce(
        conn,
        events.InternshipStarted(
            internship_id=internship_id,
            trainee_id=row["trainee_id"],
            firm_id=row["firm_id"],
            opening_id=row["opening_id"],
            started_on=started_on,
        ),
    )
    return updated


async def complete_internship(
    conn: asyncpg.Connection,
    principal: Principal,
    internship_id: str,
    *,
    completed_on: date,
    hire: dict[str, Any] | None,
) -> asyncpg.Record:
    """The internship ended; with `hire`, the firm hires the intern."""
    row = await _own_internship(conn, principal, internship_id)
    move_internship(InternshipStatus(row["status"]), InternshipStatus.COMPLETED)
    if row["started_on"] and completed_on < row["started_on"]:
        raise Conflict("an internship cannot end before it started", field="completed_on")
    updated = await store.update_internship(
        conn,
        internship_id,
        status=InternshipStatus.COMPLETED.value,
        completed_on=completed_on,
        converted=hire is not None,
    )
    ids = {k: row[k] for k in ("trainee_id", "firm_id")}
    completed = events.InternshipCompleted(
        internship_id=internship_id, **ids, completed_on=completed_on, converted=hire is not None
    )
    await announce(conn, completed)
    if hire is not None:
        await announce(conn, events.Hired(internship_id=internship_id, **ids, **hire))
    return updated
