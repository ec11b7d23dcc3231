"""The webhook sender against an in-process receiver (httpx's MockTransport): Standard
Webhooks signatures checked with the `standardwebhooks` package, rotation on an injected
clock, the pinned address, and the bounds on what a receiver can make it do."""

import asyncio
import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tests.unit.matching.adapters.test_outbound import guard
from traintrack.matching.adapters.webhook_sender import WebhookSender, http_client

NEW = "whsec_" + base64.b64encode(b"n" * 32).decode()
OLD = "whsec_" + base64.b64encode(b"o" * 32).decode()
GRACE = timedelta(hours=24)
ENTRIES = [{"seq": 4, "kind": "candidate-delivered"}, {"seq": 6, "kind": "candidate-updated"}]


def hook(url="https://hooks.firm-a.example:8443/in", *, previous_until=None):
    return {
        "webhook_id": "wh-1",
        "firm_id": "firm-a",
        "url": url,
        "secret": NEW,
        "previous_secret": OLD if previous_until else None,
        "previous_until": previous_until,
    }


class Receiver:
    """Answers with `status` (and `body`), keeping every request it is sent."""

    def __init__(self, status=204, body=b"", delay=0.0):
        self.requests = []
        self.status, self.body, self.delay = status, body, delay

    async def __call__(self, request):
        await asyncio.sleep(self.delay)
        self.requests.append(request)
        return httpx.Response(self.status, content=streamed(self.body), headers={"Location": "/x"})


async def streamed(body):
    """An answer arriving over the network (a bytes one would be read already)."""
    yield body


def sender(receiver, *, now=None, answers=None, timeout=5.0, max_bytes=1024):
    outbound, resolver = guard(answers or {"hooks.firm-a.example": ["93.184.215.14"]})
    client = http_client(
        timeout_seconds=timeout, connect_timeout_seconds=1, transport=httpx.MockTransport(receiver)
    )
    clock = (lambda: now) if now else (lambda: datetime.now(UTC))
    made = WebhookSender(
        client, outbound, timeout_seconds=timeout, max_response_bytes=max_bytes, clock=clock
    )
    return made, resolver


def verifies(secret, request):
    try:
        Webhook(secret).verify(request.content, dict(request.headers))
    except WebhookVerificationError:
        return False
    return True


async def test_a_delivery_is_a_standard_webhook_the_package_verifies():
    receiver = Receiver()
    sent = await sender(receiver)[0].send(hook(), ENTRIES)
    assert (sent.status_code, sent.error, sent.first_seq, sent.last_seq) == (204, None, 4, 6)
    [request] = receiver.requests
    assert Webhook(NEW).verify(request.content, dict(request.headers))["entries"] == ENTRIES
    assert request.headers["webhook-id"] == "wh-1:4-6"
    assert request.headers["webhook-signature"].startswith("v1,")
    assert not verifies(OLD, request)


async def test_the_call_goes_to_the_address_checked_under_the_name_in_the_url():
    receiver = Receiver()
    made, resolver = sender(receiver)
    await made.send(hook(), ENTRIES)
    [request] = receiver.requests
    assert (request.url.host, request.url.port, request.url.path) == ("93.184.215.14", 8443, "/in")
    assert request.headers["host"] == "hooks.firm-a.example:8443"
    assert request.extensions["sni_hostname"] == "hooks.firm-a.example"
    assert resolver.asked == [("hooks.firm-a.example", 8443)]  # resolved once, then pinned


async def test_during_the_grace_period_both_secrets_sign_and_after_it_only_the_new_one():
    now = datetime.now(UTC)  # the package checks timestamps against the real time
    receiver = Receiver()
    during, _ = sender(receiver, now=now)
    await during.send(hook(previous_until=now + timedelta(seconds=1)), ENTRIES)
    after, _ = sender(receiver, now=now)
    await after.send(hook(previous_until=now), ENTRIES)  # the grace ends at this instant

    signed_in_grace, signed_after = receiver.requests
    assert len(signed_in_grace.headers["webhook-signature"].split(" ")) == 2
    assert verifies(NEW, signed_in_grace) and verifies(OLD, signed_in_grace)
    assert len(signed_after.headers["webhook-signature"].split(" ")) == 1
    assert verifies(NEW, signed_after) and not verifies(OLD, signed_after)


async def test_the_timestamp_is_the_injected_clocks_and_a_stale_one_does_not_verify():
    now = datetime.now(UTC) - timedelta(minutes=6)
    receiver = Receiver()
    await sender(receiver, now=now)[0].send(hook(), ENTRIES)
    [request] = receiver.requests
    assert request.headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert not verifies(NEW, request)  # beyond the package's five minutes


@pytest.mark.parametrize(
    ("inward", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.8", "private"),
        ("169.254.169.254", "link-local"),
    ],
)
async def test_a_name_that_resolves_inward_by_delivery_time_is_not_called(inward, kind):
    receiver = Receiver()
    made, _ = sender(receiver, answers={"hooks.firm-a.example": ["93.184.215.14", inward]})
    sent = await made.send(hook(), ENTRIES)
    assert (sent.status_code, sent.error) == (
        None,
        f"refused: hooks.firm-a.example resolves to {inward} ({kind})",
    )
    assert receiver.requests == []


async def test_a_redirect_is_a_failed_delivery_and_is_not_followed():
    receiver = Receiver(status=307)
    sent = await sender(receiver)[0].send(hook(), ENTRIES)
    assert sent.status_code == 307
    assert len(receiver.requests) == 1


async def test_an_endless_answer_is_read_no_further_than_the_bound():
    produced = []

    async def endless():
        while True:
            produced.append(1000)
            yield b"x" * 1000

    async def answer(request):
        return httpx.Response(200, content=endless())

    made, _ = sender(answer, max_bytes=5000)
    sent = await asyncio.wait_for(made.send(hook(), ENTRIES), 5)
    assert sent.status_code == 200
    assert 5000 <= sum(produced) <= 6000


async def test_a_receiver_slower_than_the_total_deadline_is_a_timeout():
    receiver = Receiver(delay=5)
    sent = await sender(receiver, timeout=0.2)[0].send(hook(), ENTRIES)
    assert (sent.status_code, sent.error) == (None, "TimeoutError: ")
    assert sent.duration_ms < 2000


async def test_a_secret_no_library_can_decode_is_a_failed_attempt_not_a_wedged_webhook():
    # One issued before secrets were `whsec_` + standard base64 (token_urlsafe, unpadded).
    receiver = Receiver()
    legacy = hook() | {"secret": "whsec_" + "A" * 41}
    sent = await sender(receiver)[0].send(legacy, ENTRIES)
    assert (sent.first_seq, sent.last_seq, sent.status_code) == (4, 6, None)
    assert sent.error is not None and sent.error.startswith("Error: ")
    assert receiver.requests == []
