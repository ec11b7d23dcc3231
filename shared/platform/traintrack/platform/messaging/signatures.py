"""Institutes' signing secrets, and checking a submission's signature (the scheme is in
traintrack.contracts.signing).

A key's signing secret is HMAC-SHA256(master, label + key id): the master secret lives in
a file of its own that only the enrollment service and the key-issuing tools read, never
in the keyring. So the secret needs no storage, can be re-derived to verify, and a leaked
keyring (API key hashes) signs nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from traintrack.contracts.codec import Envelope
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.signing import KEY_ID, SIGNATURE, signature_of
from traintrack.platform.web.auth import Keyring, Principal, Role

# Domain separation: the master may one day derive other things than signing secrets.
_LABEL = b"traintrack institute submission signing v1\n"
MIN_MASTER_BYTES = 32


def signing_secret(master: bytes, key_id: str) -> str:
    """The signing secret of key `key_id`, as handed to its institute."""
    derived = hmac.new(master, _LABEL + key_id.encode(), hashlib.sha256).hexdigest()
    return f"ttsig_{key_id}_{derived}"


def load_master(path: Path, *, create: bool) -> bytes:
    """The master secret in `path`; created there (random, 0600) when missing and `create`
    (development only: elsewhere a missing master is a deployment error, not a new key).
    The API and the worker may race: the first link into place wins."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"no submission signing master secret at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process won; use its secret
        finally:
            aside.unlink()
    master = path.read_text().strip().encode()
    if len(master) < MIN_MASTER_BYTES:
        raise ValueError(f"the master secret in {path} is shorter than {MIN_MASTER_BYTES} bytes")
    return master


class SubmissionVerifier:
    """Which institute signed a submission: the keyring says which keys stand (revocation
    included, re-read on change), the master re-derives their signing secrets."""

    def __init__(self, keyring: Keyring, master: bytes) -> None:
        self._keyring = keyring
        self._master = master

    def verify(self, envelope: Envelope) -> Principal:
        """The institute that signed the submission, or PoisonMessage saying why not."""
        key_id = envelope.extensions.get(KEY_ID)
        signature = envelope.extensions.get(SIGNATURE)
        if not key_id or not signature:
            raise PoisonMessage("unsigned submission: ttkeyid and ttsignature are required")
        entry = self._keyring.entry(key_id)
        if entry is None or entry.revoked or entry.role is not Role.INSTITUTE:
            raise PoisonMessage(
                f"submission signed with unknown, revoked or non-institute key {key_id}"
            )
        secret = signing_secret(self._master, entry.key_id)
        expected = signature_of(secret, envelope.id, envelope.type, envelope.value)
        if not hmac.compare_digest(expected.encode(), str(signature).encode()):
            raise PoisonMessage("submission signature does not match its content")
        return Principal(entry.key_id, entry.role, entry.tenant)
