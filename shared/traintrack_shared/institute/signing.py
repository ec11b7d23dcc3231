"""Who sent a submission: an HMAC over the message with the institute's API key.

Kafka has no per-message caller, so each submission carries the key id and an
HMAC-SHA256 signature as CloudEvents extensions (`ttkeyid`, `ttsignature`). The HMAC key
is the SHA-256 of the API key: the institute derives it from its key, the platform reads
it from the keyring, and the key itself never travels.
"""

from __future__ import annotations

import hashlib
import hmac

from traintrack_shared.auth import Keyring, Principal, Role, hash_key
from traintrack_shared.codec import Envelope
from traintrack_shared.errors import PoisonMessage

KEY_ID = "ttkeyid"
SIGNATURE = "ttsignature"


def _message(event_id: str, event_type: str, value: bytes) -> bytes:
    return b"\n".join([event_id.encode(), event_type.encode(), value])


def sign(api_key: str, event_id: str, event_type: str, value: bytes) -> str:
    secret = hash_key(api_key).encode()
    return hmac.new(secret, _message(event_id, event_type, value), hashlib.sha256).hexdigest()


def key_id_of(api_key: str) -> str:
    return api_key.split("_", 2)[1]


def verify(envelope: Envelope, keyring: Keyring) -> Principal:
    """The institute that signed the submission, or PoisonMessage saying why not."""
    key_id, signature = envelope.extensions.get(KEY_ID), envelope.extensions.get(SIGNATURE)
    if not key_id or not signature:
        raise PoisonMessage("unsigned submission: ttkeyid and ttsignature are required")
    entry = keyring.entry(key_id)
    if entry is None or entry.revoked or entry.role is not Role.INSTITUTE:
        raise PoisonMessage(
            f"submission signed with unknown, revoked or non-institute key {key_id}"
        )
    expected = hmac.new(
        entry.sha256.encode(), _message(envelope.id, envelope.type, envelope.value), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise PoisonMessage("submission signature does not match its content")
    return Principal(entry.key_id, entry.role, entry.tenant)
