"""Where a webhook may be sent: every inward address class at and just past its edges,
every spelling of an address, and the allow-list and the platform's own."""

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest

from traintrack.matching.domain.destinations import (
    Policy,
    Refused,
    Target,
    check,
    inward,
    ip_literal,
    origin_of,
    target,
)

INWARD = {
    # IPv4, each block at both ends
    "0.0.0.0": "unspecified",
    "127.0.0.1": "loopback",
    "127.255.255.255": "loopback",
    "10.0.0.0": "private",
    "10.255.255.255": "private",
    "172.16.0.0": "private",
    "172.31.255.255": "private",
    "192.168.0.0": "private",
    "192.168.255.255": "private",
    "169.254.0.0": "link-local",
    "169.254.169.254": "link-local",  # cloud metadata
    "169.254.255.255": "link-local",
    "224.0.0.0": "multicast",
    "239.255.255.255": "multicast",
    "240.0.0.0": "reserved",
    "255.255.255.255": "reserved",
    "100.64.0.0": "not public",  # shared address space (carrier-grade NAT)
    "100.127.255.255": "not public",
    # IPv6
    "::": "unspecified",
    "::1": "loopback",
    "fe80::": "link-local",
    "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff": "link-local",
    "fec0::1": "private",  # site-local
    "fc00::": "private",  # unique local (ULA)
    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff": "private",
    "ff00::": "multicast",
    "ff02::1": "multicast",
    "::7f00:1": "reserved",  # IPv4-compatible
    # IPv6 forms carrying an IPv4 address: judged by what they reach
    "::ffff:127.0.0.1": "loopback",
    "::ffff:10.1.2.3": "private",
    "::ffff:169.254.169.254": "link-local",
    "::ffff:0.0.0.0": "unspecified",
    "2002:7f00:1::": "loopback",  # 6to4
    "64:ff9b::a9fe:a9fe": "link-local",  # NAT64 of 169.254.169.254
}

NOT_PUBLIC = ["192.0.2.1", "198.18.0.1", "2001:db8::1", "2001::1"]  # documentation, ...

PUBLIC = [
    "1.0.0.0",  # just past 0/8
    "9.255.255.255",
    "11.0.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "192.169.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "223.255.255.255",
    "8.8.8.8",
    "2606:4700::1111",
    "2a00:1450:4001::200e",
]


@pytest.mark.parametrize(("address", "kind"), INWARD.items())
def test_every_inward_address_class_is_named(address, kind):
    assert inward(ip_address(address)) == kind


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_special_purpose_addresses_are_not_called_whatever_their_class(address):
    assert inward(ip_address(address)) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_next_to_the_inward_blocks_are_outward(address):
    assert inward(ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0x7F.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("127.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("4294967295", "255.255.255.255"),
        ("1.2.65535", "1.2.255.255"),
        ("10.16777215", "10.255.255.255"),
        ("::1", "::1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
    ],
)
def test_an_address_is_read_in_every_spelling_a_resolver_accepts(host, address):
    assert ip_literal(host) == ip_address(address)


@pytest.mark.parametrize(
    "host", ["4294967296", "256.0.0.1", "1.2.3.256", "1.2.65536", "1.2.3.4.5", "0x100.0.0.1"]
)
def test_a_number_that_is_no_address_is_refused(host):
    with pytest.raises(Refused, match="not a valid"):
        ip_literal(host)


@pytest.mark.parametrize("host", ["example.com", "1.2.3.x", "08.1", "hooks.firm-a.example"])
def test_a_name_is_left_to_the_resolver(host):
    assert ip_literal(host) is None


def test_a_url_gives_its_scheme_lower_case_host_and_port():
    assert target("http://[::1]:99/x") == Target("http", "::1", 99)
    assert target("http://[::1]:99/x").origin == "[::1]:99"
    assert target("HTTPS://LocalHost./hooks") == Target("https", "localhost", 443)
    assert target("http://127.0.0.1:8123/").origin == "127.0.0.1:8123"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://firm.example/", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("https://user:pw@firm.example/", "credentials"),
        ("https://firm.example:99999/", "not a valid URL"),
        ("https:///hooks", "no host"),
    ],
)
def test_urls_that_are_not_plain_http_destinations_are_refused(url, why):
    with pytest.raises(Refused, match=why):
        target(url)


def test_origins_are_read_from_urls_host_port_pairs_and_bare_hosts():
    assert origin_of("http://127.0.0.1:8005") == ("127.0.0.1", 8005)
    assert origin_of("https://ops.traintrack.example") == ("ops.traintrack.example", 443)
    assert origin_of("127.0.0.1:8123") == ("127.0.0.1", 8123)
    assert origin_of("[::1]:8123") == ("::1", 8123)
    assert origin_of("Ops.Traintrack.Example.") == ("ops.traintrack.example", None)


PUBLIC_ADDRESS = [IPv4Address("93.184.215.14")]
DEV = Policy(require_https=False)


def refusal(url, addresses, *, own=(), policy=DEV):
    try:
        check(target(url), addresses, list(own), policy)
    except Refused as exc:
        return str(exc)
    return None


def test_a_public_destination_passes_and_https_is_required_where_the_policy_says():
    assert refusal("http://hooks.firm-a.example/x", PUBLIC_ADDRESS) is None
    strict = Policy(require_https=True)
    assert refusal("http://hooks.firm-a.example/x", PUBLIC_ADDRESS, policy=strict) == (
        "webhooks must use https"
    )
    assert refusal("https://hooks.firm-a.example/x", PUBLIC_ADDRESS, policy=strict) is None


def test_one_inward_address_among_public_ones_refuses_the_name():
    mixed = [*PUBLIC_ADDRESS, IPv4Address("10.0.0.7")]
    assert refusal("http://both.example/", mixed) == "both.example resolves to 10.0.0.7 (private)"


def test_a_name_that_resolves_to_nothing_is_refused():
    assert refusal("http://nowhere.example/", []) == "nowhere.example does not resolve"


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "api.localhost"])
def test_localhost_names_are_refused_whatever_they_resolve_to(host):
    assert refusal(f"http://{host}:8123/", PUBLIC_ADDRESS) == (
        f"{host.lower().rstrip('.')} is this machine"
    )


def test_the_allow_list_lets_exactly_its_origins_through_the_inward_check():
    allowed = Policy(require_https=False, allowed=frozenset({"127.0.0.1:8123"}))
    loopback = [IPv4Address("127.0.0.1")]
    assert refusal("http://127.0.0.1:8123/hooks", loopback, policy=allowed) is None
    assert refusal("http://127.0.0.1:8124/hooks", loopback, policy=allowed) == (
        "127.0.0.1 resolves to 127.0.0.1 (loopback)"
    )


def test_the_platforms_own_are_refused_by_name_and_by_address_even_when_allowed():
    policy = Policy(
        require_https=False,
        allowed=frozenset({"127.0.0.1:8005", "ops.traintrack.example:443"}),
        own=frozenset({"127.0.0.1:8005", "ops.traintrack.example"}),
    )
    loopback = [IPv4Address("127.0.0.1")]
    assert refusal("http://127.0.0.1:8005/v1/x", loopback, policy=policy) == (
        "127.0.0.1:8005 is the platform's own"
    )
    assert refusal("https://OPS.traintrack.example:9443/", PUBLIC_ADDRESS, policy=policy) == (
        "ops.traintrack.example:9443 is the platform's own"
    )
    ours = [(IPv4Address("93.184.215.14"), 443)]
    assert refusal("https://alias.example/", PUBLIC_ADDRESS, own=ours) == (
        "alias.example resolves to 93.184.215.14, the platform's own"
    )
    assert refusal("https://alias.example:8443/", PUBLIC_ADDRESS, own=ours) is None
    every_port = [(IPv6Address("::ffff:93.184.215.14"), None)]
    assert refusal("https://alias.example:8443/", PUBLIC_ADDRESS, own=every_port) is not None
