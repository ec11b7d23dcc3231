"""Signing credentials: VC-JWT (compact JWS; `alg` "Ed25519", the fully-specified name of
RFC 9864). What a credential says is the domain's (`domain/credential.py`).

The signing key lives in a PEM file (created on first start in development); its public
half is served as a JWKS, so anyone can verify a credential with any JOSE library.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class InvalidCredential(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key; the first process to need it creates it (the API and the worker
    may race: the key is written aside and linked into place, which only one can win)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(fresh)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process won; use its key
        finally:
            aside.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


@dataclass(frozen=True)
class Signer:
    key: Ed25519PrivateKey
    issuer: str  # the evaluation service's public base URL

    @property
    def public_raw(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def kid(self) -> str:
        return _b64(self.public_raw)[:16]

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": _b64(self.public_raw),
                    "kid": self.kid,
                    "alg": "Ed25519",
                    "use": "sig",
                }
            ]
        }

    def sign(self, claims: dict[str, Any]) -> str:
        """The claims as a compact JWS (VC-JWT) under this issuer's key."""
        header = {"alg": "Ed25519", "typ": "vc+jwt", "kid": self.kid}
        signing_input = ".".join(
            _b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        return f"{signing_input}.{_b64(self.key.sign(signing_input.encode()))}"

    def verify(self, token: str, *, now: datetime) -> dict[str, Any]:
        """The claims of a credential this service signed, or InvalidCredential."""
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(_unb64(header_b64))
            signature = _unb64(signature_b64)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidCredential("not a compact JWS") from error
        if header.get("alg") not in ("Ed25519", "EdDSA") or header.get("kid") != self.kid:
            raise InvalidCredential("not signed with this issuer's key")
        try:
            self.key.public_key().verify(signature, f"{header_b64}.{claims_b64}".encode())
        except InvalidSignature as error:
            raise InvalidCredential("signature does not match") from error
        claims: dict[str, Any] = json.loads(_unb64(claims_b64))  # signed by us: well-formed
        if not claims.get("nbf", 0) <= now.timestamp() < claims.get("exp", 0):
            raise InvalidCredential("outside its validity window")
        return claims
