"""Offers and internships: making, answering and expiring offers; running internships.

Firms hear of every change to their offers in their feed. The candidate answers through
their institute (trainees hold no keys); contact details never pass through this service:
on acceptance the institute, which holds them, puts the firm in touch with the trainee.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from traintrack.contracts import matching as events
from traintrack.matching.adapters.mapping import (
    Row,
    as_internship,
    internship_event,
    offer_feed_body,
    offer_made,
    settled_ids,
)
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.commands import (
    AnswerOffer,
    CompleteInternship,
    ExpireDueOffers,
    MakeOffer,
    StartInternship,
)
from traintrack.matching.domain.access import Caller, owns, speaks_for
from traintrack.matching.domain.offers import (
    OfferStatus,
    free_seats,
    settle_offer,
)
from traintrack.platform.errors import Conflict, NotFound


def _now() -> datetime:
    return datetime.now(UTC)


def _new_offer_id() -> str:
    return f"offer-{uuid.uuid4().hex[:12]}"


async def _tell_firm(uow: MatchingUnitOfWork, offer: Row, kind: str) -> None:
    await uow.feed.append(offer["firm_id"], kind, offer["trainee_id"], offer_feed_body(offer))


async def make_offer(command: MakeOffer, uow: MatchingUnitOfWork) -> Row:
    """A direct offer, outside rounds, of a free seat of the firm's own opening, to a
    candidate the firm is being shown."""
    opening = await uow.firms.get_opening(command.opening_id)
    if opening is None or not owns(command.caller, opening["firm_id"]):
        raise NotFound(f"opening {command.opening_id}")
    opening = await uow.firms.get_opening(command.opening_id, lock=True)
    assert opening is not None
    if free_seats(opening["seats"], opening["pending"], opening["accepted"]) == 0:
        raise Conflict("every seat of the opening is offered or taken", field="opening_id")
    trainee_id = command.trainee_id
    row = await uow.candidates.get(trainee_id, lock=True)  # the worker waits for us
    shown = await uow.feed.disclosure(opening["firm_id"], trainee_id)
    if row is None or shown is None or not shown["shown"]:
        raise NotFound(f"candidate {trainee_id}")
    if row["stage_reached"] < opening["minimum_stage"]:
        raise Conflict(
            f"the candidate has not reached stage {opening['minimum_stage']}", field="trainee_id"
        )
    if await uow.offers.holds_seat(command.opening_id, trainee_id):
        raise Conflict("the candidate already holds an offer for this opening", field="trainee_id")
    now = _now()
    offer = await uow.offers.add_offer(
        offer_id=_new_offer_id(),
        opening_id=command.opening_id,
        firm_id=opening["firm_id"],
        trainee_id=trainee_id,
        round_id=None,
        expires_at=now + timedelta(days=command.valid_days),
    )
    await _tell_firm(uow, offer, "offer-made")
    uow.emit(offer_made(offer, now))
    return offer


async def make_round_offers(
    uow: MatchingUnitOfWork,
    round_id: str,
    placements: list[tuple[str, str, str]],
    valid_days: int,
) -> None:
    """An offer per (opening, firm, trainee) a round placed, in bulk. The round checked
    seats and visibility under the openings' locks."""
    now = _now()
    made: list[dict[str, Any]] = [
        {
            "offer_id": _new_offer_id(),
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
    await uow.offers.add_offers(made)
    await uow.feed.append_across(
        [(o["firm_id"], "offer-made", o["trainee_id"], offer_feed_body(o)) for o in made]
    )
    uow.emit(*[offer_made(o, now) for o in made])


async def _settled(uow: MatchingUnitOfWork, offer: Row, to: OfferStatus, now: datetime) -> Row:
    updated = await uow.offers.set_status(offer["offer_id"], to.value, now)
    await _tell_firm(uow, updated, f"offer-{to.value}")
    common = settled_ids(offer)
    if to is OfferStatus.DECLINED:
        uow.emit(events.OfferDeclined(**common, settled_at=now))
    elif to is OfferStatus.EXPIRED:
        uow.emit(events.OfferExpired(**common, settled_at=now))
    return updated


async def answer_offer(command: AnswerOffer, uow: MatchingUnitOfWork) -> Row:
    """The candidate's institute accepts or declines on the candidate's behalf."""
    offer_id = command.offer_id
    found = await uow.offers.get_offer(offer_id)
    candidate = await uow.candidates.get(found["trainee_id"], lock=True) if found else None
    if (
        found is None
        or candidate is None
        or not speaks_for(command.caller, candidate["institute_id"])
    ):
        raise NotFound(f"offer {offer_id}")
    offer = await uow.offers.get_offer(offer_id, lock=True)
    assert offer is not None
    now = _now()
    settle_offer(OfferStatus(offer["status"]), command.to, expires_at=offer["expires_at"], now=now)
    if command.to is not OfferStatus.ACCEPTED:
        return await _settled(uow, offer, command.to, now)
    updated = await uow.offers.set_status(offer_id, command.to.value, now)
    await uow.offers.add_internship(f"intern-{uuid.uuid4().hex[:12]}", updated)
    await _tell_firm(uow, updated, "offer-accepted")
    uow.emit(
        events.OfferAccepted(
            **settled_ids(offer), settled_at=now, institute_id=command.caller.tenant
        )
    )
    return updated


async def expire_due_offers(command: ExpireDueOffers, uow: MatchingUnitOfWork) -> int:
    """Expire every pending offer past its time; the seats are free for the next round."""
    now = command.now or _now()
    due = await uow.offers.pending_due(now)
    for offer in due:
        await _settled(uow, offer, OfferStatus.EXPIRED, now)
    return len(due)


async def expire_unshowable(
    uow: MatchingUnitOfWork, pending: list[Row], *, stage: int, keep_firms: set[str]
) -> None:
    """Pending offers lapse at once when their firm may no longer see the candidate, or
    the candidate no longer holds the stage the opening requires."""
    for offer in pending:
        if offer["firm_id"] not in keep_firms or offer["minimum_stage"] > stage:
            await _settled(uow, offer, OfferStatus.EXPIRED, _now())


async def _own_internship(uow: MatchingUnitOfWork, caller: Caller, internship_id: str) -> Row:
    row = await uow.offers.get_internship(internship_id, lock=True)
    if row is None or not owns(caller, row["firm_id"]):
        raise NotFound(f"internship {internship_id}")
    return row


async def start_internship(command: StartInternship, uow: MatchingUnitOfWork) -> Row:
    """The intern started."""
    internship = as_internship(await _own_internship(uow, command.caller, command.internship_id))
    internship.start(command.started_on)
    updated = await uow.offers.update_internship(
        command.internship_id, status=internship.status.value, started_on=internship.started_on
    )
    uow.emit(*map(internship_event, internship.events))
    return updated


async def complete_internship(command: CompleteInternship, uow: MatchingUnitOfWork) -> Row:
    """The internship ended; with `hire`, the firm hires the intern."""
    internship = as_internship(await _own_internship(uow, command.caller, command.internship_id))
    internship.complete(command.completed_on, command.hire)
    updated = await uow.offers.update_internship(
        command.internship_id,
        status=internship.status.value,
        completed_on=internship.completed_on,
        converted=internship.converted,
    )
    uow.emit(*map(internship_event, internship.events))
    return updated
