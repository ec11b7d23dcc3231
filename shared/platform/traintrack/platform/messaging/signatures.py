"""Checking a submission's signature (the scheme is in traintrack.contracts.signing)."""

from __future__ import annotations

import hmac

from traintrack.contracts.codec import Envelope
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.signing import KEY_ID, SIGNATURE, signature_of
from traintrack.platform.web.auth import Keyring, Principal, Role


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
    expected = signature_of(entry.sha256, envelope.id, envelope.type, envelope.value)
    if not hmac.compare_digest(expected, signature):
        raise PoisonMessage("submission signature does not match its content")
    return Principal(entry.key_id, entry.role, entry.tenant)
