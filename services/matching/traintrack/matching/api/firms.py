"""Partner firms, their internship openings and their standing subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from fastapi import APIRouter, status

from traintrack.contracts import matching as events
from traintrack.matching import disclosure
from traintrack.matching.api.deps import (
    AnyKey,
    FirmKey,
    FirmOrOperatorKey,
    OperatorKey,
    PoolDep,
    registered_firm,
)
from traintrack.matching.api.schemas import (
    FirmCreate,
    FirmPublic,
    OpeningCreate,
    OpeningPublic,
    SubscriptionCreate,
    SubscriptionPublic,
)
from traintrack.matching.domain.candidates import Subscription
from traintrack.matching.events import announce
from traintrack.matching.store import firms as store
from traintrack.platform.errors import Conflict, NotFound
from traintrack.platform.web.auth import Role

router = APIRouter(prefix="/v1", tags=["firms"])


_OPENING_COLUMNS = [f for f in OpeningPublic.model_fields if not f.startswith("seats_")]


def _opening(row: asyncpg.Record) -> OpeningPublic:
    return OpeningPublic(
        **{k: row[k] for k in _OPENING_COLUMNS},
        seats_offered=row["pending"],
        seats_taken=row["accepted"],
    )


@router.post("/firms", status_code=status.HTTP_201_CREATED)
async def register_firm(body: FirmCreate, pool: PoolDep, _: OperatorKey) -> FirmPublic:
    """Register a partner firm (its API keys carry the firm id as tenant)."""
    async with pool.acquire() as conn:
        if not await store.add_firm(conn, body.firm_id, body.name, body.region_code):
            raise Conflict(f"firm {body.firm_id} exists", field="firm_id")
        row = await store.get_firm(conn, body.firm_id)
    assert row is not None
    return FirmPublic(**dict(row))


@router.get("/firms")
async def list_firms(pool: PoolDep, principal: FirmOrOperatorKey) -> list[FirmPublic]:
    """Operators see every firm; a firm sees itself."""
    async with pool.acquire() as conn:
        rows = await store.list_firms(conn)
    return [
        FirmPublic(**dict(r))
        for r in rows
        if principal.role is Role.OPERATOR or r["firm_id"] == principal.tenant
    ]


@router.post("/openings", status_code=status.HTTP_201_CREATED)
async def publish_opening(body: OpeningCreate, pool: PoolDep, principal: FirmKey) -> OpeningPublic:
    """Publish internship seats; candidates at or above `minimum_stage` may apply."""
    values = {**body.model_dump(), "firm_id": principal.tenant}
    values["skills"] = sorted({s.strip().lower() for s in body.skills})
    async with pool.acquire() as conn, conn.transaction():
        await registered_firm(conn, principal)
        if not await store.add_opening(conn, **values):
            raise Conflict(f"opening {body.opening_id} exists", field="opening_id")
        await announce(conn, events.OpeningPublished(**values, published_at=datetime.now(UTC)))
        row = await store.get_opening(conn, body.opening_id)
        return _opening(row)


@router.get("/openings")
async def list_openings(pool: PoolDep, principal: AnyKey) -> list[OpeningPublic]:
    """A firm sees its own openings; institutes see every open one (to apply);
    operators everything."""
    async with pool.acquire() as conn:
        rows = await store.list_openings(
            conn,
            firm_id=principal.tenant if principal.role is Role.FIRM else None,
            only_open=principal.role is Role.INSTITUTE,
        )
    return [_opening(r) for r in rows]


@router.get("/openings/{opening_id}")
async def get_opening(opening_id: str, pool: PoolDep, principal: AnyKey) -> OpeningPublic:
    """One opening, with its seats offered and taken."""
    async with pool.acquire() as conn:
        row = await store.get_opening(conn, opening_id)
    if row is None or (principal.role is Role.FIRM and row["firm_id"] != principal.tenant):
        raise NotFound(f"opening {opening_id}")
    return _opening(row)


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED)
async def subscribe(
    body: SubscriptionCreate, pool: PoolDep, principal: FirmKey
) -> SubscriptionPublic:
    """A standing query: every candidate who meets it now or later is delivered once to the
    feed (pull, webhooks, stream); candidates who may no longer be shown are withdrawn."""
    subscription = Subscription(
        subscription_id=body.subscription_id,
        firm_id=principal.tenant,
        minimum_stage=body.minimum_stage,
        skills=frozenset(s.strip().lower() for s in body.skills),
        fields=frozenset(f.strip() for f in body.fields),
        region_codes=frozenset(body.region_codes),
    )
    async with pool.acquire() as conn, conn.transaction():
        await registered_firm(conn, principal)
        if not await store.add_subscription(conn, subscription):
            raise Conflict(f"subscription {body.subscription_id} exists", field="subscription_id")
        delivered = await disclosure.deliver_matching(conn, body.subscription_id)
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
async def list_subscriptions(pool: PoolDep, principal: FirmKey) -> list[SubscriptionPublic]:
    """The firm's active subscriptions."""
    async with pool.acquire() as conn:
        return [_subscription(s) for s in await store.subscriptions(conn, firm_id=principal.tenant)]


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unsubscribe(subscription_id: str, pool: PoolDep, principal: FirmKey) -> None:
    """Stop the subscription; candidates already delivered stay in the feed."""
    async with pool.acquire() as conn:
        found = await store.get_subscription(conn, subscription_id)
        if found is None or found.firm_id != principal.tenant:
            raise NotFound(f"subscription {subscription_id}")
        await store.cancel_subscription(conn, subscription_id)
