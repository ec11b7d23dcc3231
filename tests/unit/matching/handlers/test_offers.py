"""Offers and internships."""

from datetime import date, timedelta

import pytest

from tests.unit.matching.fakes import (
    FIRM,
    INSTITUTE,
    OTHER_FIRM,
    OTHER_INSTITUTE,
    shown_to,
    with_candidate,
    with_opening,
)
from traintrack.matching.commands import (
    AnswerOffer,
    CompleteInternship,
    ExpireDueOffers,
    MakeOffer,
    StartInternship,
)
from traintrack.matching.domain.offers import OfferStatus
from traintrack.platform.errors import Conflict, NotFound


@pytest.fixture
def offered(uow):
    """firm-a's opening op-1 (one seat) and candidate t-1, whom firm-a is shown."""
    with_opening(uow, "op-1", seats=1)
    with_candidate(uow, "t-1")
    shown_to(uow, "firm-a", "t-1")
    return uow


async def test_a_firm_offers_a_free_seat_to_a_candidate_it_is_shown(offered, handle):
    offer = await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))
    assert (offer["status"], offer["firm_id"], offer["round_id"]) == ("pending", "firm-a", None)
    assert offered.feed.kinds("firm-a") == [("offer-made", "t-1")]
    [made] = offered.published
    assert (made.type, made.offer_id, made.trainee_id) == (
        "traintrack.matching.offer-made.v1",
        offer["offer_id"],
        "t-1",
    )


async def test_no_offer_of_another_firms_seat_a_taken_seat_or_to_a_stranger(offered, handle):
    with pytest.raises(NotFound, match="opening op-1"):
        await handle(MakeOffer(OTHER_FIRM, "op-1", "t-1", valid_days=7))
    with_candidate(offered, "t-unseen")
    with pytest.raises(NotFound, match="candidate t-unseen"):
        await handle(MakeOffer(FIRM, "op-1", "t-unseen", valid_days=7))
    await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))
    with pytest.raises(Conflict, match="every seat of the opening is offered or taken"):
        await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))


async def test_accepting_through_the_institute_makes_an_internship(offered, handle):
    offer = await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))
    with pytest.raises(NotFound, match=f"offer {offer['offer_id']}"):
        await handle(AnswerOffer(OTHER_INSTITUTE, offer["offer_id"], OfferStatus.ACCEPTED))
    accepted = await handle(AnswerOffer(INSTITUTE, offer["offer_id"], OfferStatus.ACCEPTED))
    assert accepted["status"] == "accepted"
    [internship] = offered.offers.internships.values()
    assert (internship["offer_id"], internship["trainee_id"]) == (offer["offer_id"], "t-1")
    assert offered.published[-1].type == "traintrack.matching.offer-accepted.v1"
    assert offered.published[-1].institute_id == "inst-1"


async def test_a_declined_offer_frees_its_seat_and_is_told_to_the_firm(offered, handle):
    offer = await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))
    await handle(AnswerOffer(INSTITUTE, offer["offer_id"], OfferStatus.DECLINED))
    assert offered.feed.kinds("firm-a")[-1] == ("offer-declined", "t-1")
    assert offered.published_types()[-1] == "traintrack.matching.offer-declined.v1"
    assert (await offered.firms.get_opening("op-1"))["pending"] == 0


async def test_only_pending_offers_past_their_time_expire(offered, handle):
    first = await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))
    later = first["expires_at"] + timedelta(seconds=1)
    offered.offers.offers["later"] = {**first, "offer_id": "later", "expires_at": later}
    assert await handle(ExpireDueOffers(now=first["expires_at"])) == 1
    assert {o["offer_id"]: o["status"] for o in offered.offers.offers.values()} == {
        first["offer_id"]: "expired",
        "later": "pending",
    }
    assert offered.published_types()[-1] == "traintrack.matching.offer-expired.v1"


@pytest.fixture
async def interning(offered, handle):
    offer = await handle(MakeOffer(FIRM, "op-1", "t-1", valid_days=7))
    await handle(AnswerOffer(INSTITUTE, offer["offer_id"], OfferStatus.ACCEPTED))
    [internship_id] = offered.offers.internships
    return internship_id


async def test_the_firm_starts_its_intern_and_no_other_firm_may(uow, handle, interning):
    with pytest.raises(NotFound, match=f"internship {interning}"):
        await handle(StartInternship(OTHER_FIRM, interning, date(2027, 1, 4)))
    started = await handle(StartInternship(FIRM, interning, date(2027, 1, 4)))
    assert (started["status"], started["started_on"]) == ("started", date(2027, 1, 4))
    assert uow.published[-1].type == "traintrack.matching.internship-started.v1"


async def test_a_completed_internship_that_converts_announces_the_hire(uow, handle, interning):
    await handle(StartInternship(FIRM, interning, date(2027, 1, 4)))
    with pytest.raises(Conflict, match="cannot end before it started"):
        await handle(CompleteInternship(FIRM, interning, date(2027, 1, 3), None))
    hire = {"starts_on": date(2027, 4, 1), "employment_type": "permanent", "insured": True}
    done = await handle(CompleteInternship(FIRM, interning, date(2027, 3, 26), hire))
    assert (done["status"], done["converted"]) == ("completed", True)
    assert uow.published_types()[-2:] == [
        "traintrack.matching.internship-completed.v1",
        "traintrack.matching.hired.v1",
    ]
