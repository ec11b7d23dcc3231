"""Who sent a submission: an HMAC over the message with the institute's API key.

Kafka has no per-message caller, so each submission carries the key id and an
HMAC-SHA256 signature as CloudEvents extensions (`ttkeyid`, `ttsignature`). The HMAC key
is the SHA-256 of the API key: the institute derives it from its key, the platform reads
it from the keyring, and the key itself never travels. The institute SDK signs
(`sign`); the enrollment service verifies (`traintrack.platform.messaging.signatures`).
"""

from __future__ import annotations

import hashlib
import hmac

KEY_ID = "ttkeyid"
SIGNATURE = "ttsignature"


def signature_of(secret: str, event_id: str, event_type: str, value: bytes) -> str:
    """The HMAC of one submission under `secret` (the SHA-256 hex of the API key)."""
    message = b"\n".join([event_id.encode(), event_type.encode(), value])
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(api_key: str, event_id: str, event_type: str, value: bytes) -> str:
    secret = hashlib.sha256(api_key.encode()).hexdigest()
    return signature_of(secret, event_id, event_type, value)


def key_id_of(api_key: str) -> str:
    return api_key.split("_", 2)[1]
