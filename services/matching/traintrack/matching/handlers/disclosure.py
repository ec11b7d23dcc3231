"""Who has been shown whom: delivering candidates to firms, keeping what they were shown
current, and withdrawing candidates who may no longer be shown, everywhere at once.

Every change lands in the firm's feed (pull cursor, SSE and webhooks read it) and on
matching.events.v1, in the caller's unit of work. What a firm may see is decided by the
domain (`candidates.visible`, `meets`, `withdrawal_reason`, `profiles.profile`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from traintrack.contracts import matching as events
from traintrack.matching.adapters.mapping import Row, as_candidate
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.domain.candidates import Subscription, meets, withdrawal_reason
from traintrack.matching.domain.profiles import credentials_shown, profile, revoked_since
from traintrack.matching.handlers import offers

Reason = Literal["subscription", "round", "offer"]
_REVOKED = "certification_revoked"


async def deliver(
    uow: MatchingUnitOfWork,
    firm_id: str,
    row: Row,
    *,
    reason: Reason,
    minimum_stage: int,
    subscription_id: str | None = None,
) -> bool:
    """Show the candidate to the firm (again, after a withdrawal); False if already shown."""
    shown = profile(row)
    await uow.feed.lock_firm(firm_id)  # before the disclosure row: one order for everyone
    if not await uow.feed.show(
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
    await uow.feed.append(firm_id, "candidate-delivered", row["trainee_id"], body)
    uow.emit(
        events.CandidateDelivered(
            trainee_id=row["trainee_id"],
            firm_id=firm_id,
            reason=reason,
            subscription_id=subscription_id,
            stage_reached=shown["stage_reached"],
            delivered_at=datetime.now(UTC),
        )
    )
    return True


async def withdraw(
    uow: MatchingUnitOfWork,
    firm_id: str,
    trainee_id: str,
    reason: str,
    revoked: list[dict[str, Any]] | None = None,
) -> None:
    """Hide the candidate from the firm, and their profile from its feed's history (a
    reader starting over must not see them again). `revoked`: the credentials the firm
    was shown that no longer stand, each with why."""
    await uow.feed.hide(firm_id, trainee_id)
    await uow.feed.redact(firm_id, trainee_id, reason)
    body: dict[str, Any] = {"reason": reason, **({"revoked": revoked} if revoked else {})}
    await uow.feed.append(firm_id, "candidate-withdrawn", trainee_id, body)
    uow.emit(
        events.CandidateWithdrawn(
            trainee_id=trainee_id,
            firm_id=firm_id,
            reason=reason,  # type: ignore[arg-type]
            withdrawn_at=datetime.now(UTC),
        )
    )


async def reconsider(uow: MatchingUnitOfWork, trainee_id: str) -> None:
    """After the candidate's facts changed: withdraw, update or newly deliver them.

    Locks, always in this order so that nothing deadlocks: subscriptions (shared; a new
    subscription takes it exclusively while it scans the pool), the candidate, their
    pending offers, then firm rows (the feed's numbering)."""
    await uow.feed.lock_subscriptions(exclusive=False)
    row = await uow.candidates.get(trainee_id, lock=True)
    if row is None:
        return
    pending = await uow.offers.pending_of(trainee_id)
    candidate = as_candidate(row)
    holding: set[str] = set()
    for d in await uow.feed.disclosures_of(trainee_id):
        if not d["shown"]:
            continue
        revoked = revoked_since(d["credentials_shown"], row)
        reason = withdrawal_reason(
            candidate, d["minimum_stage"], certified_shown=d["certified_shown"]
        )
        if reason is not None:
            await withdraw(
                uow, d["firm_id"], trainee_id, reason, revoked if reason == _REVOKED else None
            )
            continue
        holding.add(d["firm_id"])
        await _update(uow, d, row, revoked)
    await offers.expire_unshowable(uow, pending, stage=candidate.stage_reached, keep_firms=holding)
    for subscription in await uow.firms.subscriptions():
        if subscription.firm_id not in holding and meets(subscription, candidate):
            await deliver_under(uow, subscription, row)
            holding.add(subscription.firm_id)


async def _update(
    uow: MatchingUnitOfWork, disclosed: Row, row: Row, revoked: list[dict[str, Any]]
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
    await uow.feed.update_shown(
        firm_id, trainee_id, stage=now[0], certified=now[1], credentials=now[2]
    )
    body: dict[str, Any] = {"candidate": shown, **({"revoked": revoked} if revoked else {})}
    await uow.feed.append(firm_id, "candidate-updated", trainee_id, body)


async def deliver_matching(uow: MatchingUnitOfWork, subscription: Subscription) -> int:
    """A new subscription: deliver everyone already in the pool who meets it."""
    # Until this transaction ends no worker reconsiders anyone, so nobody changes under
    # the scan (a consent withdrawn meanwhile is applied after, to the new disclosures too).
    await uow.feed.lock_subscriptions(exclusive=True)
    delivered = 0
    for row in await uow.candidates.pool_at(subscription.minimum_stage):
        if meets(subscription, as_candidate(row)):
            delivered += await deliver_under(uow, subscription, row)
    return delivered


async def deliver_under(uow: MatchingUnitOfWork, subscription: Subscription, row: Row) -> bool:
    return await deliver(
        uow,
        subscription.firm_id,
        row,
        reason="subscription",
        minimum_stage=subscription.minimum_stage,
        subscription_id=subscription.subscription_id,
    )
