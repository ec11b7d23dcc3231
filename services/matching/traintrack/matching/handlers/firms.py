"""Partner firms, their internship openings and their standing subscriptions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from traintrack.contracts import matching as events
from traintrack.matching.adapters.mapping import Row
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.commands import PublishOpening, RegisterFirm, Subscribe, Unsubscribe
from traintrack.matching.domain.access import Caller, owns
from traintrack.matching.domain.candidates import Subscription
from traintrack.matching.handlers import disclosure
from traintrack.platform.errors import Conflict, NotFound


async def registered_firm(uow: MatchingUnitOfWork, caller: Caller) -> None:
    """A firm key whose firm an operator has not registered yet may read, not publish."""
    if await uow.firms.get_firm(caller.tenant) is None:
        raise Conflict(f"firm {caller.tenant} is not registered; ask an operator")


async def register_firm(command: RegisterFirm, uow: MatchingUnitOfWork) -> Row:
    """An operator registers a partner firm (its API keys carry the firm id as tenant)."""
    if not await uow.firms.add_firm(command.firm_id, command.name, command.region_code):
        raise Conflict(f"firm {command.firm_id} exists", field="firm_id")
    row = await uow.firms.get_firm(command.firm_id)
    assert row is not None
    return row


async def publish_opening(command: PublishOpening, uow: MatchingUnitOfWork) -> Row:
    """Internship seats; candidates at or above `minimum_stage` may apply."""
    await registered_firm(uow, command.caller)
    values = {k: v for k, v in asdict(command).items() if k != "caller"}
    values["firm_id"] = command.caller.tenant
    values["skills"] = sorted({s.strip().lower() for s in command.skills})
    if not await uow.firms.add_opening(**values):
        raise Conflict(f"opening {command.opening_id} exists", field="opening_id")
    uow.emit(events.OpeningPublished(**values, published_at=datetime.now(UTC)))
    row = await uow.firms.get_opening(command.opening_id)
    assert row is not None
    return row


async def subscribe(command: Subscribe, uow: MatchingUnitOfWork) -> tuple[Subscription, int]:
    """A standing query, and how many candidates already in the pool it delivered now."""
    subscription = Subscription(
        subscription_id=command.subscription_id,
        firm_id=command.caller.tenant,
        minimum_stage=command.minimum_stage,
        skills=frozenset(s.strip().lower() for s in command.skills),
        fields=frozenset(f.strip() for f in command.fields),
        region_codes=frozenset(command.region_codes),
    )
    await registered_firm(uow, command.caller)
    if not await uow.firms.add_subscription(subscription):
        raise Conflict(f"subscription {command.subscription_id} exists", field="subscription_id")
    return subscription, await disclosure.deliver_matching(uow, subscription)


async def unsubscribe(command: Unsubscribe, uow: MatchingUnitOfWork) -> None:
    """Candidates already delivered stay in the feed."""
    found = await uow.firms.get_subscription(command.subscription_id)
    if found is None or not owns(command.caller, found.firm_id):
        raise NotFound(f"subscription {command.subscription_id}")
    await uow.firms.cancel_subscription(command.subscription_id)
