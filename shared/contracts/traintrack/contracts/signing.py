"""Who sent a submission: an HMAC over the message with the institute's signing secret.

Kafka has no per-message caller, so each submission carries the key id and an
HMAC-SHA256 signature as CloudEvents extensions (`ttkeyid`, `ttsignature`). The HMAC key
is the key's signing secret, `ttsig_<key id>_<64 hex>`, handed to the institute once when
its key is issued. It is not the API key and nothing derived from the API key: the
platform derives it from a master secret of its own and the key id, so the keyring file
(API key hashes only) is no help to a forger. The institute SDK signs (`sign`); the
enrollment service verifies (`traintrack.platform.messaging.signatures`).
"""

from __future__ import annotations

import hashlib
import hmac
import re

KEY_ID = "ttkeyid"
SIGNATURE = "ttsignature"
_SECRET = re.compile(r"ttsig_([0-9A-Za-z-]{1,64})_[0-9a-f]{64}")


def signature_of(secret: str, event_id: str, event_type: str, value: bytes) -> str:
    """The HMAC of one submission under `secret` (a signing secret)."""
    message = b"\n".join([event_id.encode(), event_type.encode(), value])
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(signing_secret: str, event_id: str, event_type: str, value: bytes) -> str:
    key_id_of(signing_secret)  # a malformed secret fails here, not as a silent bad signature
    return signature_of(signing_secret, event_id, event_type, value)


def key_id_of(signing_secret: str) -> str:
    """The key id a signing secret belongs to (ValueError if it is no signing secret)."""
    found = _SECRET.fullmatch(signing_secret)
    if found is None:
        raise ValueError("not a traintrack signing secret (ttsig_<key id>_<64 hex digits>)")
    return found.group(1)
