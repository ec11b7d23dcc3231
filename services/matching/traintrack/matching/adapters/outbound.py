"""Checking a webhook's destination before the platform calls it: resolve the host once,
have `domain/destinations.py` judge every address, and hand back the one to connect to
(so a resolver cannot answer differently between the check and the call)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ipaddress import ip_address

from traintrack.matching.domain.destinations import (
    Address,
    Own,
    Policy,
    Refused,
    Target,
    check,
    check_name,
    ip_literal,
    origin,
    origin_of,
    target,
)

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class Destination:
    target: Target
    address: Address  # connect here, whatever the name resolves to by then


class OutboundGuard:
    def __init__(
        self,
        *,
        require_https: bool,
        allowed: list[str],
        platform: list[str],
        resolver: Resolver = system_resolver,
        timeout_seconds: float = 5.0,
    ) -> None:
        self._own = [origin_of(entry) for entry in platform]
        allow = frozenset(origin(*origin_of(entry)) for entry in allowed)
        self.policy = Policy(require_https, allow, frozenset(origin(*o) for o in self._own))
        self.resolver = resolver
        self._timeout = timeout_seconds

    async def check(self, url: str) -> Destination:
        """The address to call for `url`, or `Refused` saying why none is."""
        found = target(url)
        check_name(found, self.policy)
        try:
            async with asyncio.timeout(self._timeout):
                addresses = await self._addresses(found.host, found.port)
                own = await self._own_addresses()
        except TimeoutError:
            raise Refused(f"resolving {found.host} took too long") from None
        check(found, addresses, own, self.policy)
        return Destination(found, addresses[0])

    async def _addresses(self, host: str, port: int) -> list[Address]:
        literal = ip_literal(host)
        if literal is not None:
            return [literal]
        try:
            answers = await self.resolver(host, port)
            # A link-local IPv6 answer may carry its interface (`fe80::1%eth0`).
            return [ip_address(a.partition("%")[0]) for a in answers]
        except (OSError, UnicodeError, ValueError):
            raise Refused(f"{host} does not resolve") from None

    async def _own_addresses(self) -> list[Own]:
        """The platform's addresses now (a name of ours that does not resolve reaches
        nothing, so it is left out)."""
        own: list[Own] = []
        for host, port in self._own:
            try:
                own.extend((a, port) for a in await self._addresses(host, port or 443))
            except Refused:
                continue
        return own
