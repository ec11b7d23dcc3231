"""Webhooks cannot be turned inward (the real service, database and dispatcher): every
kind of inward address is refused at registration and never called, and a name that turns
inward after registration is refused at delivery. Loopback listeners count every
connection made to them: 0."""

import asyncio

import pytest

from tests.utils.matching import candidate, delivered
from tests.utils.platform import eventually
from tests.utils.servers import CountingListener, WebhookReceiver, serve
from traintrack.matching.adapters.outbound import system_resolver
from traintrack.matching.bootstrap import create_app
from traintrack.matching.settings import DEV_PLATFORM_URLS, MatchingSettings

pytestmark = pytest.mark.integration

PUBLIC = "93.184.215.14"


class Resolver:
    """The system's resolver, but for the names a test answers itself (no DNS needed)."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        if host in self.names:
            return self.names[host]
        return await system_resolver(host, port)


@pytest.fixture(scope="module")
def listener():
    with CountingListener() as counting:
        yield counting


@pytest.fixture(scope="module")
def operator_api():
    """Stands for the operator API: one of the platform's own URLs."""
    with CountingListener() as counting:
        yield counting


@pytest.fixture(scope="module")
def resolver():
    return Resolver()


@pytest.fixture(scope="module")
async def service(platform, keys, receiver_port, listener, operator_api, resolver):
    settings = MatchingSettings(
        database_url=await platform.fresh_database("matching"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        dispatch_interval_seconds=0.1,
        expiry_interval_seconds=3600,
        # The operator API is allow-listed here too: the platform's own stay refused.
        webhook_allowed_hosts=f"receiver.firm-a.test:{receiver_port},127.0.0.1:{operator_api.port}",
        platform_urls=f"{DEV_PLATFORM_URLS},http://127.0.0.1:{operator_api.port}",
    )
    app = create_app(settings, resolver=resolver)
    async with serve(app) as url:
        yield app, url


async def test_every_kind_of_inward_address_is_refused_at_registration_and_never_called(
    service, client, keys, listener, operator_api, resolver, receiver_port
):
    app, _ = service
    port = listener.port
    resolver.names["loopback.firm-a.test"] = ["127.0.0.1"]
    resolver.names["sometimes.firm-a.test"] = [PUBLIC, "10.0.0.5"]
    inward = {
        f"http://127.0.0.1:{port}/hooks": "127.0.0.1 resolves to 127.0.0.1 (loopback)",
        f"http://localhost:{port}/hooks": "localhost is this machine",
        f"http://LOCALHOST.:{port}/hooks": "localhost is this machine",
        f"http://[::1]:{port}/hooks": "::1 resolves to ::1 (loopback)",
        f"http://0.0.0.0:{port}/hooks": "0.0.0.0 resolves to 0.0.0.0 (unspecified)",
        f"http://0:{port}/hooks": "(unspecified)",
        f"http://2130706433:{port}/hooks": "resolves to 127.0.0.1 (loopback)",  # decimal
        f"http://0x7f.1:{port}/hooks": "resolves to 127.0.0.1 (loopback)",  # hex
        f"http://0177.0.0.1:{port}/hooks": "resolves to 127.0.0.1 (loopback)",  # octal
        f"http://[::ffff:127.0.0.1]:{port}/hooks": "(loopback)",
        f"http://loopback.firm-a.test:{port}/": "resolves to 127.0.0.1 (loopback)",
        f"http://127.0.0.1:{operator_api.port}/v1/audit": "is the platform's own",
        "http://127.0.0.1:8005/v1/audit": "127.0.0.1:8005 is the platform's own",
        "http://169.254.169.254/latest/meta-data/": "(link-local)",
        "http://10.0.0.1/hooks": "(private)",
        "http://192.168.1.1/hooks": "(private)",
        "http://[fd00::1]/hooks": "(private)",
        "http://224.0.0.1/hooks": "(multicast)",
        "http://sometimes.firm-a.test/": "resolves to 10.0.0.5 (private)",
        "http://user:password@hooks.example/": "credentials in the URL",
    }
    for url, why in inward.items():
        refused = await client.post("/v1/webhooks", json={"url": url}, headers=keys["firm"])
        assert refused.status_code == 422, (url, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        [error] = refused.json()["errors"]
        assert error["field"] == "url" and why in error["message"], (url, error)

    # The dispatcher runs and has something to send: it reaches the one allowed receiver,
    # by the name in its URL, at the address checked.
    resolver.names["receiver.firm-a.test"] = ["127.0.0.1"]
    with WebhookReceiver(port=receiver_port) as receiver:
        url = f"http://receiver.firm-a.test:{receiver_port}/hooks/traintrack"
        made = await client.post("/v1/webhooks", json={"url": url}, headers=keys["firm"])
        assert made.status_code == 201, made.text
        receiver.secret = made.json()["secret"]
        body = {"subscription_id": "a-outbound", "skills": ["elixir"], "minimum_stage": 2}
        assert (await client.post("/v1/subscriptions", json=body, headers=keys["firm"])).is_success
        trainee = await candidate(app, stage=2, cohort="outbound-1", skills=("elixir",))
        await eventually(lambda: asyncio.sleep(0, trainee in delivered(receiver.accepted)))
    assert receiver.calls[0]["host"] == f"receiver.firm-a.test:{receiver_port}"
    assert receiver.bad_signatures == 0
    hooks = (await client.get("/v1/webhooks", headers=keys["firm"])).json()
    assert [h["url"] for h in hooks] == [url]
    assert (listener.connections, operator_api.connections) == (0, 0)


async def test_a_name_that_turns_inward_after_registration_is_refused_at_delivery(
    service, client, keys, listener, resolver
):
    app, _ = service
    firm = keys["other_firm"]
    resolver.names["turncoat.firm-b.test"] = [PUBLIC]
    head = (await client.get("/v1/feed", headers=firm)).json()["head"]
    url = f"http://turncoat.firm-b.test:{listener.port}/hooks"
    made = await client.post("/v1/webhooks", json={"url": url, "after": head}, headers=firm)
    assert made.status_code == 201, made.text
    hook = made.json()["webhook_id"]

    resolver.names["turncoat.firm-b.test"] = ["127.0.0.1"]  # DNS rebinding, say
    body = {"subscription_id": "b-outbound", "skills": ["ocaml"], "minimum_stage": 2}
    assert (await client.post("/v1/subscriptions", json=body, headers=firm)).is_success
    await candidate(app, stage=2, cohort="outbound-2", skills=("ocaml",))

    async def attempts():
        return (await client.get(f"/v1/webhooks/{hook}/attempts", headers=firm)).json()

    await eventually(lambda: attempts(), timeout=30)
    [attempt, *_] = await attempts()
    assert attempt["status_code"] is None
    assert attempt["error"] == ("refused: turncoat.firm-b.test resolves to 127.0.0.1 (loopback)")
    [status] = (await client.get("/v1/webhooks", headers=firm)).json()
    assert status["failures"] >= 1 and status["pending"] >= 1  # kept, retried with backoff
    assert listener.connections == 0


async def test_only_firms_register_webhooks_and_only_the_owner_rotates_a_secret(
    service, client, keys, resolver, receiver_port
):
    resolver.names["receiver.firm-a.test"] = ["127.0.0.1"]
    body = {"url": f"http://receiver.firm-a.test:{receiver_port}/roles"}
    for name in ("institute", "operator"):
        refused = await client.post("/v1/webhooks", json=body, headers=keys[name])
        assert refused.status_code == 403, (name, refused.text)
    assert (await client.post("/v1/webhooks", json=body)).status_code == 401
    made = await client.post("/v1/webhooks", json=body, headers=keys["third_firm"])
    assert made.status_code == 201, made.text
    rotate = f"/v1/webhooks/{made.json()['webhook_id']}/rotate-secret"
    for name, status in (("institute", 403), ("operator", 403), ("firm", 404)):
        refused = await client.post(rotate, headers=keys[name])
        assert refused.status_code == status, (name, refused.text)
    assert (await client.post(rotate)).status_code == 401
    rotated = await client.post(rotate, headers=keys["third_firm"])
    assert rotated.status_code == 200 and rotated.json()["secret"] != made.json()["secret"]
