"""Webhook signatures, as payment platforms sign theirs: an HMAC-SHA256 over
`<timestamp>.<body>`, sent as `t=<timestamp>,v1=<hex>`. The timestamp lets a receiver
refuse replays; several `v1` values may be sent while a secret is being rotated."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Traintrack-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def header(secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in secrets)])


def verify(secret: str, value: str, body: bytes, *, now: int) -> bool:
    """What a firm's receiver does: a fresh timestamp and one matching signature."""
    parts = [p.partition("=") for p in value.split(",")]
    stamps = [v for k, _, v in parts if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, timestamp, body)
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, _, v in parts)
