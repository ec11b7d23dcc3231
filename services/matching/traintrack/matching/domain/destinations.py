"""Where a webhook may be sent: outward only. A firm chooses the URL, so a URL that leads
back inside (loopback, private networks, link-local cloud metadata, the platform's own
services) would let a firm make the platform call itself. Checked at registration and
again before every delivery, on the addresses the name resolves to then; the caller
connects to the address checked here and never resolves again.

Pure: the resolving is the caller's (`adapters/outbound.py`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from urllib.parse import urlsplit

Address = IPv4Address | IPv6Address
Own = tuple[Address, int | None]  # one of the platform's addresses: on a port, or on all

DEFAULT_PORTS = {"http": 80, "https": 443}
# One part of an IPv4 address as inet_aton (and so resolvers, curl, browsers) reads it: hex,
# octal or decimal, so `http://2130706433/`, `0x7f.1` and `0177.0.0.1` are all loopback.
_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
_NAT64 = IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """Not a destination the platform calls; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # lower case, no brackets, no trailing dot
    port: int

    @property
    def origin(self) -> str:
        return origin(self.host, self.port)


@dataclass(frozen=True)
class Policy:
    require_https: bool
    # `host:port` origins let through the inward-address check (development only: a
    # receiver on the developer's machine). The platform's own stay refused all the same.
    allowed: frozenset[str] = field(default_factory=frozenset)
    # The platform's own: `host:port` origins, or bare hosts meaning every port.
    own: frozenset[str] = field(default_factory=frozenset)


def target(url: str) -> Target:
    """The scheme, host and port a URL leads to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused("only http and https URLs are called")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials in the URL are not sent")
    host = normal_host(parts.hostname or "")
    if not host:
        raise Refused("the URL has no host")
    return Target(scheme, host, port or DEFAULT_PORTS[scheme])


def origin(host: str, port: int | None) -> str:
    """`host:port` (`[v6]:port`), or the host alone for every port."""
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def normal_host(host: str) -> str:
    host = host.strip("[]").lower()
    return host[:-1] if host.endswith(".") else host


def origin_of(entry: str) -> tuple[str, int | None]:
    """`host:port`, `[v6]:port`, a bare host or a URL, as (host, port or None)."""
    if "://" in entry:
        found = target(entry)
        return found.host, found.port
    host, sep, port = entry.rpartition(":")
    if sep and port.isdigit() and (not host.count(":") or host.startswith("[")):
        return normal_host(host), int(port)
    return normal_host(entry), None


def ip_literal(host: str) -> Address | None:
    """The address a host names by itself, in any spelling a resolver accepts; None for a
    name (to be resolved). A number that is no address is refused."""
    if ":" in host:
        try:
            return IPv6Address(host)
        except ValueError:
            raise Refused(f"{host} is not a valid IPv6 address") from None
    parts = host.split(".")
    if not all(_PART.fullmatch(p) for p in parts):
        return None
    numbers = [_number(p) for p in parts]
    *head, last = numbers
    if len(parts) > 4 or any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        raise Refused(f"{host} is not a valid IPv4 address")
    value = 0
    for n in head:  # the leading parts are a byte each; the last fills the rest
        value = value << 8 | n
    return IPv4Address(value << 8 * (5 - len(parts)) | last)


def _number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    return int(part, 8) if part.startswith("0") else int(part)


def embedded(address: Address) -> Address:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64): what it really reaches."""
    if isinstance(address, IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return address


_KINDS: list[tuple[str, Callable[[Address], bool]]] = [
    ("unspecified", lambda a: a.is_unspecified),
    ("loopback", lambda a: a.is_loopback),
    ("link-local", lambda a: a.is_link_local),
    ("multicast", lambda a: a.is_multicast),
    ("reserved", lambda a: a.is_reserved),
    ("private", lambda a: a.is_private or getattr(a, "is_site_local", False)),
    ("not public", lambda a: not a.is_global),  # shared (100.64/10), documentation, ...
]


def inward(address: Address) -> str | None:
    """The kind of address that is not the public internet, or None for a public one."""
    for candidate in (embedded(address), address):
        for kind, test in _KINDS:
            if test(candidate):
                return kind
    return None


def is_own(address: Address, port: int, own: Iterable[Own]) -> bool:
    reached = {address, embedded(address)}
    return any(reached & {a, embedded(a)} and p in (None, port) for a, p in own)


def check_name(target: Target, policy: Policy) -> None:
    """What the URL alone refuses, before anything is resolved."""
    if policy.require_https and target.scheme != "https":
        raise Refused("webhooks must use https")
    if target.origin in policy.own or target.host in policy.own:
        raise Refused(f"{target.origin} is the platform's own")
    if target.origin in policy.allowed:
        return
    if target.host == "localhost" or target.host.endswith(".localhost"):
        raise Refused(f"{target.host} is this machine")


def check(target: Target, addresses: list[Address], own: list[Own], policy: Policy) -> None:
    """Refuse (`Refused`) unless every address the target resolves to is outward: one
    inward address among several is one a resolver may hand out next time."""
    check_name(target, policy)
    if not addresses:
        raise Refused(f"{target.host} does not resolve")
    for address in addresses:
        if is_own(address, target.port, own):
            raise Refused(f"{target.host} resolves to {address}, the platform's own")
    if target.origin in policy.allowed:
        return
    for address in addresses:
        kind = inward(address)
        if kind:
            raise Refused(f"{target.host} resolves to {address} ({kind})")
