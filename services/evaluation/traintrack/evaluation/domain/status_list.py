"""Revocation as a W3C Bitstring Status List (VC Bitstring Status List v1.0): each
credential holds one bit in a list; the list is published as a credential of its own, so a
verifier learns whether a credential is revoked without asking about that credential.

Bit `i` is the `i % 8`-th bit (from the most significant) of byte `i // 8`: index 0 is the
left-most bit, as the spec requires. The list is the spec's minimum, 16 KB (131,072 bits).
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

SIZE = 131_072  # entries (bits) per list: the spec's minimum of 16 KB
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
PURPOSE = "revocation"
TTL_MS = 300_000  # the spec's default time to live; the HTTP cache header says the same

# Positions spread over the list rather than handed out in order (the spec: "SHOULD assign
# indexes randomly" so that a position tells nothing of when a credential was issued). An
# odd multiplier is a bijection modulo 2**17, so distinct sequence numbers never share a
# position; it spreads, it does not hide (the constants are no secret).
_SPREAD, _OFFSET = 0x1B873, 0x5A3C


def place(number: int) -> tuple[int, int]:
    """The list and index of the `number`-th credential given a status (from 0)."""
    status_list, nth = divmod(number, SIZE)
    return status_list, (nth * _SPREAD + _OFFSET) % SIZE


def bitstring(revoked: Iterable[int]) -> bytes:
    """The list's bits with the given indexes set."""
    bits = bytearray(SIZE // 8)
    for index in revoked:
        if not 0 <= index < SIZE:
            raise IndexError(f"status list index {index} outside 0..{SIZE - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status list index {index} outside 0..{len(bits) * 8 - 1}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode(bits: bytes) -> str:
    """`encodedList`: multibase base64url without padding (prefix `u`) of the GZIP'd bits."""
    # mtime=0: the same bits always encode to the same text
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url (prefix 'u')")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def zulu(seconds: int) -> str:
    """A JWT NumericDate as the credential writes it: whole seconds in UTC, so that `nbf`
    and `validFrom` (and `exp` and `validUntil`) say the same instant."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def list_url(issuer: str, status_list: int) -> str:
    return f"{issuer}/v1/status-lists/{status_list}"


def entry(issuer: str, status_list: int, index: int) -> dict[str, Any]:
    """The `credentialStatus` of a credential holding bit `index` of list `status_list`."""
    url = list_url(issuer, status_list)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),  # the spec: an integer written as a base-10 string
        "statusListCredential": url,
    }


def credential(
    *, issuer: str, status_list: int, revoked: Iterable[int], at: datetime
) -> dict[str, Any]:
    """The JWT claims of the status list credential (a VC-JWT, signed like credentials)."""
    url = list_url(issuer, status_list)
    valid_from = int(at.timestamp())
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": zulu(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(bitstring(revoked)),
            "ttl": TTL_MS,
        },
        "iss": issuer,
        "jti": url,
        "nbf": valid_from,
        "iat": valid_from,
    }
