"""Webhooks: registration, rotation, removal, and the dispatcher's decisions."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.matching.fakes import FIRM, NOW, OTHER_FIRM, with_firm
from traintrack.matching.commands import (
    ClaimDueWebhooks,
    RecordDeliveryAttempt,
    RegisterWebhook,
    RemoveWebhook,
    RotateWebhookSecret,
)
from traintrack.platform.errors import NotFound


def register(url="https://firm-a.example/hooks", *, after=0):
    return RegisterWebhook(FIRM, url, after)


def attempt(status_code, error=None, *, failures=0):
    return RecordDeliveryAttempt(
        webhook_id="wh-1",
        first_seq=4,
        last_seq=6,
        status_code=status_code,
        error=error,
        duration_ms=12,
        failures=failures,
        lease=NOW,
        max_backoff_seconds=3600.0,
    )


async def test_a_registered_webhook_starts_after_the_cursor_given_with_a_new_secret(uow, handle):
    with_firm(uow)
    created = await handle(register(after=7))
    hook = uow.webhooks.hooks[created["webhook_id"]]
    assert (hook["firm_id"], hook["secret"], hook["delivered_seq"]) == (
        "firm-a",
        created["secret"],
        7,
    )


async def test_a_secret_is_a_standard_webhooks_one_of_32_random_bytes(uow, handle):
    with_firm(uow)
    secrets = [(await handle(register()))["secret"] for _ in range(2)]
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert secrets[0] != secrets[1]


async def test_a_rotated_secret_keeps_the_old_one_beside_it_for_the_grace_period(uow, handle):
    with_firm(uow)
    created = await handle(register())
    secret = await handle(
        RotateWebhookSecret(FIRM, created["webhook_id"], now=NOW, grace=timedelta(hours=24))
    )
    hook = uow.webhooks.hooks[created["webhook_id"]]
    assert (hook["secret"], hook["previous_secret"], hook["previous_until"]) == (
        secret,
        created["secret"],
        datetime(2026, 9, 2, tzinfo=UTC),
    )


async def test_only_the_firm_that_registered_a_webhook_may_rotate_or_remove_it(uow, handle):
    with_firm(uow)
    created = await handle(register())
    for command in (RotateWebhookSecret, RemoveWebhook):
        with pytest.raises(NotFound, match=f"webhook {created['webhook_id']}"):
            await handle(command(OTHER_FIRM, created["webhook_id"]))
    await handle(RemoveWebhook(FIRM, created["webhook_id"]))
    assert uow.webhooks.hooks[created["webhook_id"]]["active"] is False


async def test_a_claimed_webhook_comes_with_the_feed_entries_after_its_cursor(uow, handle):
    with_firm(uow)
    created = await handle(register(after=1))
    for n in range(3):
        await uow.feed.append("firm-a", "candidate-delivered", f"t-{n}", {})
    uow.webhooks.due = [created["webhook_id"]]
    [due] = await handle(ClaimDueWebhooks(limit=20, batch=100))
    assert due.hook["lease_until"] == NOW
    assert [e["seq"] for e in due.entries] == [2, 3]


async def test_a_2xx_delivers_the_batch_and_anything_else_is_a_failure_that_backs_off(uow, handle):
    assert await handle(attempt(204)) is True
    assert await handle(attempt(500, failures=2)) is False
    assert await handle(attempt(None, "ConnectError: refused")) is False
    delivered, refused, unreachable = uow.webhooks.attempts
    assert (delivered["delivered"], delivered["error"]) == (True, None)
    assert (refused["delivered"], refused["error"], refused["status_code"]) == (
        False,
        "HTTP 500",
        500,
    )
    assert 4 <= refused["backoff_seconds"] <= 8  # 2 ** 3, with jitter down to half
    assert (unreachable["error"], unreachable["lease"]) == ("ConnectError: refused", NOW)
