"""Partner firms, their internship openings and their standing subscriptions."""

from __future__ import annotations

from fastapi import APIRouter, status

from traintrack.matching.adapters.mapping import Row
from traintrack.matching.commands import PublishOpening, RegisterFirm, Subscribe, Unsubscribe
from traintrack.matching.domain.candidates import Subscription
from traintrack.matching.entrypoints.api.deps import (
    AnyKey,
    Bus,
    FirmKey,
    FirmOrOperatorKey,
    OperatorKey,
    Views,
)
from traintrack.matching.entrypoints.api.schemas import (
    FirmCreate,
    FirmPublic,
    OpeningCreate,
    OpeningPublic,
    SubscriptionCreate,
    SubscriptionPublic,
)
from traintrack.platform.web.models import IdPath
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["firms"])


_OPENING_COLUMNS = [f for f in OpeningPublic.model_fields if not f.startswith("seats_")]


def _opening(row: Row) -> OpeningPublic:
    return OpeningPublic(
        **{k: row[k] for k in _OPENING_COLUMNS},
        seats_offered=row["pending"],
        seats_taken=row["accepted"],
    )


@router.post("/firms", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def register_firm(body: FirmCreate, bus: Bus, caller: OperatorKey) -> FirmPublic:
    """Register a partner firm (its API keys carry the firm id as tenant)."""
    row = await bus.handle(RegisterFirm(caller=caller, **body.model_dump()))
    return FirmPublic(**dict(row))


@router.get("/firms")
async def list_firms(views: Views, caller: FirmOrOperatorKey) -> list[FirmPublic]:
    """Operators see every firm; a firm sees itself."""
    return [FirmPublic(**dict(r)) for r in await views.firms(caller)]


@router.post("/openings", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def publish_opening(body: OpeningCreate, bus: Bus, caller: FirmKey) -> OpeningPublic:
    """Publish internship seats; candidates at or above `minimum_stage` may apply."""
    return _opening(await bus.handle(PublishOpening(caller=caller, **body.model_dump())))


@router.get("/openings")
async def list_openings(views: Views, caller: AnyKey) -> list[OpeningPublic]:
    """A firm sees its own openings; institutes see every open one (to apply);
    operators everything."""
    return [_opening(r) for r in await views.openings(caller)]


@router.get("/openings/{opening_id}")
async def get_opening(opening_id: IdPath, views: Views, caller: AnyKey) -> OpeningPublic:
    """One opening, with its seats offered and taken."""
    return _opening(await views.opening(caller, opening_id))


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED, responses=errors(409))
async def subscribe(body: SubscriptionCreate, bus: Bus, caller: FirmKey) -> SubscriptionPublic:
    """A standing query: every candidate who meets it now or later is delivered once to the
    feed (pull, webhooks, stream); candidates who may no longer be shown are withdrawn."""
    subscription, delivered = await bus.handle(Subscribe(caller=caller, **body.model_dump()))
    return _subscription(subscription, delivered)


def _subscription(s: Subscription, delivered: int = 0) -> SubscriptionPublic:
    return SubscriptionPublic(
        subscription_id=s.subscription_id,
        firm_id=s.firm_id,
        minimum_stage=s.minimum_stage,
        skills=sorted(s.skills),
        fields=sorted(s.fields),
        region_codes=sorted(s.region_codes),
        delivered_now=delivered,
    )


@router.get("/subscriptions")
async def list_subscriptions(views: Views, caller: FirmKey) -> list[SubscriptionPublic]:
    """The firm's active subscriptions."""
    return [_subscription(s) for s in await views.subscriptions(caller)]


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unsubscribe(subscription_id: IdPath, bus: Bus, caller: FirmKey) -> None:
    """Stop the subscription; candidates already delivered stay in the feed."""
    await bus.handle(Unsubscribe(caller, subscription_id))
