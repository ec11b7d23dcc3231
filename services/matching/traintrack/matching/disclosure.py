"""Who has been shown whom: delivering candidates to firms, keeping what they were shown
current, and withdrawing candidates who may no longer be shown, everywhere at once.

Every change lands in the firm's feed (pull cursor, SSE and webhooks read it) and on
matching.events.v1, in the caller's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import asyncpg

from traintrack.contracts import matching as events
from traintrack.matching import offers
from traintrack.matching.domain.candidates import Subscription, meets, withdrawal_reason
from traintrack.matching.events import announce
from traintrack.matching.store import candidates, feed, firms
from traintrack.matching.store import offers as offers_store
from traintrack.matching.store.candidates import as_candidate, credentials_shown, profile

Reason = Literal["subscription", "round", "offer"]
SUBSCRIPTIONS_LOCK = 7_300_101  # pg advisory lock key


async def deliver(
    conn: asyncpg.Connection,
    firm_id: str,
    row: asyncpg.Record,
    *,
    reason: Reason,
    minimum_stage: int,
    subscription_id: str | None = None,
) -> bool:
    """Show the candidate to the firm (again, after a withdrawal); False if already shown."""
    shown = profile(row)
    await feed.lock_firm(conn, firm_id)  # before the disclosure row: one order for everyone
    if not await feed.show(
        conn,
        firm_id=firm_id,
        trainee_id=row["trainee_id"],
        minimum_stage=minimum_stage,
        reason=reason,
        subscription_id=subscription_id,
        stage=shown["stage_reached"],
        certified=shown["certified"],
        credentials=credentials_shown(row),
    ):
        return False
    body = {"reason": reason, "subscription_id": subscription_id, "candidate": shown}
    await feed.append(conn, firm_id, "candidate-delivered", row["trainee_id"], body)
    await announce(
        conn,
        events.CandidateDelivered(
            trainee_id=row["trainee_id"],
            firm_id=firm_id,
            reason=reason,
            subscription_id=subscription_id,
            stage_reached=shown["stage_reached"],
            delivered_at=datetime.now(UTC),
        ),
    )
    return True


async def withdraw(
    conn: asyncpg.Connection,
    firm_id: str,
    trainee_id: str,
    reason: str,
    revoked: list[dict[str, Any]] | None = None,
) -> None:
    """Hide the candidate from the firm, and their profile from its feed's history (a
    reader starting over must not see them again). `revoked`: the credentials the firm
    was shown that no longer stand, each with why."""
    await feed.hide(conn, firm_id, trainee_id)
    await feed.redact(conn, firm_id, trainee_id, reason)
    body: dict[str, Any] = {"reason": reason, **({"revoked": revoked} if revoked else {})}
    await feed.append(conn, firm_id, "candidate-withdrawn", trainee_id, body)
    await announce(
        conn,
        events.CandidateWithdrawn(
            trainee_id=trainee_id,
            firm_id=firm_id,
            reason=reason,  # type: ignore[arg-type]
            withdrawn_at=datetime.now(UTC),
        ),
    )


async def reconsider(conn: asyncpg.Connection, trainee_id: str) -> None:
    """After the candidate's facts changed: withdraw, update or newly deliver them.

    Locks, always in this order so that nothing deadlocks: subscriptions (shared; a new
    subscription takes it exclusively while it scans the pool), the candidate, their
    pending offers, then firm rows (the feed's numbering)."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", SUBSCRIPTIONS_LOCK)
    row = await candidates.get(conn, trainee_id, lock=True)
    if row is None:
        return
    pending = await offers_store.pending_of(conn, trainee_id)
    candidate = as_candidate(row)
    holding: set[str] = set()
    for d in await feed.disclosures_of(conn, trainee_id):
        if not d["shown"]:
            continue
        revoked = _revoked_since(d, row)
        reason = withdrawal_reason(
            candidate, d["minimum_stage"], certified_shown=d["certified_shown"]
        )
        if reason is not None:
            await withdraw(
                conn, d["firm_id"], trainee_id, reason, revoked if reason == _REVOKED else None
            )
            continue
        holding.add(d["firm_id"])
        await _update(conn, d, row, revoked)
    await offers.expire_unshowable(conn, pending, stage=candidate.stage_reached, keep_firms=holding)
    for subscription in await firms.subscriptions(conn):
        if subscription.firm_id not in holding and meets(subscription, candidate):
            await _deliver_under(conn, subscription, row)
            holding.add(subscription.firm_id)


_REVOKED = "certification_revoked"


def _revoked_since(disclosed: asyncpg.Record, row: asyncpg.Record) -> list[dict[str, Any]]:
    """The credentials the firm was last shown that no longer stand, with why."""
    lapsed = candidates.lapsed(row)
    return [lapsed[c] for c in disclosed["credentials_shown"] if c in lapsed]


async def _update(
    conn: asyncpg.Connection,
    disclosed: asyncpg.Record,
    row: asyncpg.Record,
    revoked: list[dict[str, Any]],
) -> None:
    """Still shown: tell the firm what changed (a credential revoked while another
    certification or stage keeps the candidate shown is named, with why)."""
    shown = profile(row)
    now = (shown["stage_reached"], shown["certified"], credentials_shown(row))
    if (
        disclosed["stage_shown"],
        disclosed["certified_shown"],
        disclosed["credentials_shown"],
    ) == now:
        return
    firm_id, trainee_id = disclosed["firm_id"], row["trainee_id"]
    await feed.update_shown(
        conn, firm_id, trainee_id, stage=now[0], certified=now[1], credentials=now[2]
    )
    body: dict[str, Any] = {"candidate": shown, **({"revoked": revoked} if revoked else {})}
    await feed.append(conn, firm_id, "candidate-updated", trainee_id, body)


async def deliver_matching(conn: asyncpg.Connection, subscription_id: str) -> int:
    """A new subscription: deliver everyone already in the pool who meets it."""
    subscription = await firms.get_subscription(conn, subscription_id)
    if subscription is None:
        return 0
    # Until this transaction ends no worker reconsiders anyone, so nobody changes under
    # the scan (a consent withdrawn meanwhile is applied after, to the new disclosures too).
    await conn.execute("SELECT pg_advisory_xact_lock($1)", SUBSCRIPTIONS_LOCK)
    delivered = 0
    for row in await candidates.pool_at(conn, subscription.minimum_stage):
        if meets(subscription, as_candidate(row)):
            delivered += await _deliver_under(conn, subscription, row)
    return delivered


async def _deliver_under(
    conn: asyncpg.Connection, subscription: Subscription, row: asyncpg.Record
) -> bool:
    return await deliver(
        conn,
        subscription.firm_id,
        row,
        reason="subscription",
        minimum_stage=subscription.minimum_stage,
        subscription_id=subscription.subscription_id,
    )
