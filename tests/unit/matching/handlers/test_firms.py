"""Firms, openings and subscriptions."""

from datetime import date

import pytest

from tests.unit.matching.fakes import (
    FIRM,
    OPERATOR,
    OTHER_FIRM,
    with_candidate,
    with_firm,
)
from traintrack.matching.commands import PublishOpening, RegisterFirm, Subscribe, Unsubscribe
from traintrack.platform.errors import Conflict, NotFound


def opening(**overrides):
    values = {
        "caller": FIRM,
        "opening_id": "op-1",
        "title": "Data intern",
        "skills": [" Python", "sql", "python"],
        "region_code": "30",
        "seats": 2,
        "minimum_stage": 3,
        "starts_on": date(2027, 1, 4),
        "ends_on": date(2027, 3, 26),
    }
    return PublishOpening(**{**values, **overrides})


async def test_an_operator_registers_a_firm_once_and_a_second_time_conflicts(uow, handle):
    row = await handle(RegisterFirm(OPERATOR, "firm-a", "Firm A", "30"))
    assert row == {"firm_id": "firm-a", "name": "Firm A", "region_code": "30"}
    with pytest.raises(Conflict, match="firm firm-a exists"):
        await handle(RegisterFirm(OPERATOR, "firm-a", "Another", "11"))
    assert uow.firms.firms["firm-a"]["name"] == "Firm A"


async def test_a_firm_no_operator_registered_may_not_publish_an_opening(uow, handle):
    with pytest.raises(Conflict, match="firm firm-a is not registered"):
        await handle(opening())
    assert (uow.firms.openings, uow.published) == ({}, [])


async def test_a_published_opening_keeps_its_skills_normalised_and_is_announced(uow, handle):
    with_firm(uow)
    row = await handle(opening())
    assert (row["firm_id"], row["skills"], row["pending"], row["accepted"]) == (
        "firm-a",
        ["python", "sql"],
        0,
        0,
    )
    [published] = uow.published
    assert published.type == "traintrack.matching.opening-published.v1"
    assert (published.opening_id, published.firm_id, published.skills) == (
        "op-1",
        "firm-a",
        ["python", "sql"],
    )
    with pytest.raises(Conflict, match="opening op-1 exists"):
        await handle(opening(title="again"))


async def test_a_subscription_delivers_each_visible_candidate_in_the_pool_who_meets_it(uow, handle):
    with_firm(uow)
    with_candidate(uow, "t-shown", stage=3)
    with_candidate(uow, "t-no-consent", stage=3, consent=False)
    with_candidate(uow, "t-stage-1", stage=1)
    with_candidate(uow, "t-other-skills", stage=3, skills=["welding"])
    subscription, delivered = await handle(
        Subscribe(FIRM, "sub-1", minimum_stage=2, skills=[" Python "])
    )
    assert (subscription.firm_id, subscription.skills, delivered) == (
        "firm-a",
        frozenset({"python"}),
        1,
    )
    assert uow.feed.kinds("firm-a") == [("candidate-delivered", "t-shown")]
    assert uow.feed.subscription_locks == ["exclusive"]  # nobody changes under the scan
    [event] = uow.published
    assert (event.type, event.trainee_id, event.reason, event.subscription_id) == (
        "traintrack.matching.candidate-delivered.v1",
        "t-shown",
        "subscription",
        "sub-1",
    )


async def test_a_firm_cancels_its_own_subscription_and_not_another_firms(uow, handle):
    with_firm(uow)
    await handle(Subscribe(FIRM, "sub-1", minimum_stage=2))
    with pytest.raises(NotFound, match="subscription sub-1"):
        await handle(Unsubscribe(OTHER_FIRM, "sub-1"))
    await handle(Unsubscribe(FIRM, "sub-1"))
    assert uow.firms.cancelled == {"sub-1"}
