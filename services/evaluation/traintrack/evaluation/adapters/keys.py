"""The keys that sign credentials: private keys in PEM files in one directory (outside the
database: a copy of the store is not enough to forge a credential), each file named for
when it was made and its key id, `<stamp>.<kid>.pem`.

The newest key signs; every key in the directory verifies what it signed, so credentials
outlive a rotation; a retired key moves to `retired/` and leaves the JWKS. The API, the
worker and the rotate command share the directory and list it on each use, so a rotation
reaches every process without a restart. New keys are RSA 2048 for RS256, the algorithm
Open Badges 3.0 requires every verifier to support.

The single Ed25519 key of earlier versions (`legacy_file`) is taken into the directory,
under the key id its credentials carry, so that they keep verifying.
"""

from __future__ import annotations

import base64
import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from joserfc.jwk import OKPKey, RSAKey

RSA_BITS = 2048
_STAMP = "%Y%m%dT%H%M%S%fZ"  # sorts as it reads: oldest first
_KID = re.compile(r"[A-Za-z0-9_-]+")  # base64url: a thumbprint, or the legacy key's id


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: str  # RS256; Ed25519 (RFC 9864) for the legacy key
    key: RSAKey | OKPKey

    def public_jwk(self) -> dict[str, Any]:
        return {**self.key.as_dict(private=False), "kid": self.kid, "alg": self.alg, "use": "sig"}


class UnknownKey(KeyError):
    pass


class KeyStore:
    def __init__(self, directory: Path, *, legacy_file: Path | None = None) -> None:
        self.directory = directory
        self._legacy_file = legacy_file
        self._loaded: dict[str, SigningKey] = {}  # by file name: parse each file once

    def verifying(self) -> list[SigningKey]:
        """Every key that verifies, oldest first."""
        self._take_legacy()
        names = sorted(p.name for p in self.directory.glob("*.pem"))
        for name in names:
            if name not in self._loaded:
                self._loaded[name] = _load(self.directory / name)
        return [self._loaded[name] for name in names]

    def get(self, kid: str) -> SigningKey | None:
        return next((k for k in self.verifying() if k.kid == kid), None)

    def newest(self) -> SigningKey:
        """The key that signs: the newest RSA key (the legacy Ed25519 key only verifies);
        the first process to need one makes it."""
        signing = self._signing()
        if signing:
            return signing[-1]
        with self._locked():
            return (self._signing() or [self._add()])[-1]

    def _signing(self) -> list[SigningKey]:
        return [key for key in self.verifying() if key.alg == "RS256"]

    def rotate(self) -> SigningKey:
        """A new key that signs from now on; the older ones keep verifying."""
        with self._locked():
            return self._add()

    def retire(self, kid: str) -> None:
        """What the key signed no longer verifies, and the JWKS no longer lists it."""
        if not _KID.fullmatch(kid):  # a glob pattern given as kid would match other keys
            raise UnknownKey(kid)
        with self._locked():
            found = list(self.directory.glob(f"*.{kid}.pem"))
            if not found:
                raise UnknownKey(kid)
            retired = self.directory / "retired"
            retired.mkdir(mode=0o700, exist_ok=True)
            for path in found:
                path.rename(retired / path.name)

    def _add(self) -> SigningKey:
        key = RSAKey.generate_key(RSA_BITS, private=True)
        stamp = datetime.now(UTC).strftime(_STAMP)
        path = self.directory / f"{stamp}.{key.thumbprint()}.pem"
        _write(path, key.as_pem(private=True))
        return _load(path)

    def _take_legacy(self) -> None:
        """Once per process: the legacy key file, when there is one, is in the directory."""
        legacy = self._legacy_file
        if legacy is None or not legacy.exists():
            return
        pem = legacy.read_bytes()
        kid = _legacy_kid(pem)
        with self._locked():
            if not any(self.directory.glob(f"**/*.{kid}.pem")):  # nor retired since
                made = datetime.fromtimestamp(legacy.stat().st_mtime, UTC).strftime(_STAMP)
                _write(self.directory / f"{made}.{kid}.pem", pem)
        self._legacy_file = None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Processes changing the directory take turns (an advisory lock on one file)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _write(path: Path, pem: bytes) -> None:
    """Written aside, then renamed into place: readers never see half a key."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    aside.rename(path)


def _load(path: Path) -> SigningKey:
    pem = path.read_bytes()
    kid = path.name.split(".")[1]
    private = serialization.load_pem_private_key(pem, password=None)
    if isinstance(private, RSAPrivateKey):
        return SigningKey(kid, "RS256", RSAKey.import_key(pem))
    if isinstance(private, Ed25519PrivateKey):
        return SigningKey(kid, "Ed25519", OKPKey.import_key(pem))
    raise ValueError(f"{path} holds neither an RSA nor an Ed25519 private key")


def _legacy_kid(pem: bytes) -> str:
    """The key id the single Ed25519 key gave its credentials: its public key, base64url,
    first 16 characters."""
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError("the legacy signing key file does not hold an Ed25519 private key")
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()[:16]
