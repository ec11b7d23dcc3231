"""The outbound guard: resolving once, judging every address, handing back the one to
connect to; with a resolver of the test's own (no DNS)."""

import asyncio
from ipaddress import ip_address

import pytest

from traintrack.matching.adapters.outbound import OutboundGuard
from traintrack.matching.domain.destinations import Refused


class Resolver:
    """Names to addresses, as a test says; counts the questions."""

    def __init__(self, answers):
        self.answers = answers
        self.asked = []

    async def __call__(self, host, port):
        self.asked.append((host, port))
        if host not in self.answers:
            raise OSError(f"{host}: Name or service not known")
        return self.answers[host]


def guard(answers=None, **options):
    resolver = Resolver(answers or {})
    options = {"require_https": False, "allowed": [], "platform": []} | options
    return OutboundGuard(resolver=resolver, **options), resolver


async def test_the_address_to_connect_to_is_the_first_one_the_name_resolved_to():
    outbound, resolver = guard({"hooks.firm-a.example": ["93.184.215.14", "2606:4700::1111"]})
    destination = await outbound.check("https://hooks.firm-a.example:8443/hooks")
    assert destination.address == ip_address("93.184.215.14")
    assert destination.target.origin == "hooks.firm-a.example:8443"
    assert resolver.asked == [("hooks.firm-a.example", 8443)]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9/", "127.0.0.1 resolves to 127.0.0.1 (loopback)"),
        ("http://[::1]:9/", "::1 resolves to ::1 (loopback)"),
        ("http://0.0.0.0:9/", "0.0.0.0 resolves to 0.0.0.0 (unspecified)"),
        ("http://2130706433:9/", "2130706433 resolves to 127.0.0.1 (loopback)"),
        ("http://169.254.169.254/latest/meta-data/", "(link-local)"),
        ("http://localhost:9/", "localhost is this machine"),
        ("http://inward.example/", "inward.example resolves to 10.1.2.3 (private)"),
        ("http://scoped.example/", "scoped.example resolves to fe80::1 (link-local)"),
        ("http://unknown.example/", "unknown.example does not resolve"),
    ],
)
async def test_inward_destinations_are_refused_with_the_reason(url, why):
    outbound, _ = guard({"inward.example": ["10.1.2.3"], "scoped.example": ["fe80::1%eth0"]})
    with pytest.raises(Refused) as refused:
        await outbound.check(url)
    assert why in str(refused.value)


async def test_an_address_in_the_url_is_judged_without_asking_the_resolver():
    outbound, resolver = guard()
    with pytest.raises(Refused):
        await outbound.check("http://0x7f.1/")
    assert resolver.asked == []


async def test_a_resolver_that_does_not_answer_in_time_refuses_the_destination():
    async def slow(host, port):
        await asyncio.sleep(5)
        return ["93.184.215.14"]

    outbound = OutboundGuard(
        require_https=False, allowed=[], platform=[], resolver=slow, timeout_seconds=0.05
    )
    with pytest.raises(Refused, match=r"resolving slow\.example took too long"):
        await outbound.check("http://slow.example/")


async def test_the_allow_list_opens_its_origin_only_and_never_the_platforms_own():
    outbound, _ = guard(
        allowed=["127.0.0.1:8123", "127.0.0.1:8005"],
        platform=["http://127.0.0.1:8005", "https://ops.traintrack.example"],
        answers={"ops.traintrack.example": ["93.184.215.14"], "alias.example": ["93.184.215.14"]},
    )
    assert (await outbound.check("http://127.0.0.1:8123/hooks")).address == ip_address("127.0.0.1")
    for url, why in [
        ("http://127.0.0.1:8124/hooks", "(loopback)"),
        ("http://127.0.0.1:8005/v1/audit", "127.0.0.1:8005 is the platform's own"),
        ("https://ops.traintrack.example/v1", "ops.traintrack.example:443 is the platform's own"),
        ("https://alias.example/", "resolves to 93.184.215.14, the platform's own"),
    ]:
        with pytest.raises(Refused) as refused:
            await outbound.check(url)
        assert why in str(refused.value), url


async def test_https_is_required_when_the_policy_says_so():
    outbound, _ = guard({"hooks.firm-a.example": ["93.184.215.14"]}, require_https=True)
    with pytest.raises(Refused, match="webhooks must use https"):
        await outbound.check("http://hooks.firm-a.example/")
    assert await outbound.check("https://hooks.firm-a.example/")
