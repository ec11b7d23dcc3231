"""Signing credentials as VC-JWT (compact JWS) through joserfc, under the newest key of the
key store; verifying picks the key named by the token's `kid`, so credentials signed before
a rotation keep verifying. What a credential says is the domain's (`domain/credential.py`).

The public keys are served as a JWKS, so anyone can verify a credential with any JOSE
library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, JoseError

from traintrack.evaluation.adapters.keys import KeyStore, SigningKey

# Open Badges 3.0: the JOSE header of a credential holds alg, kid and typ "JWT", nothing
# else. A status list credential is no badge: VC-JOSE-COSE's media type names it.
BADGE_TYP, STATUS_LIST_TYP = "JWT", "vc+jwt"
# Each key verifies under its own algorithm only (no algorithm confusion); the legacy
# Ed25519 key signed with the fully-specified name, EdDSA is its older alias.
_ALGORITHMS = {"RS256": ["RS256"], "Ed25519": ["Ed25519", "EdDSA"]}


class InvalidCredential(Exception):
    pass


@dataclass(frozen=True)
class Signer:
    store: KeyStore
    issuer: str  # the evaluation service's public base URL

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk() for key in self.store.verifying()]}

    def sign(self, claims: dict[str, Any], *, typ: str = BADGE_TYP) -> str:
        """The claims as a compact JWS under the newest key."""
        key = self.store.newest()
        return jwt.encode({"alg": key.alg, "kid": key.kid, "typ": typ}, claims, key.key)

    def verify(self, token: str, *, now: datetime) -> dict[str, Any]:
        """The claims of a credential this service signed, or InvalidCredential."""
        key = self._signed_with(token)
        try:
            verified = jwt.decode(token, key.key, algorithms=_ALGORITHMS[key.alg])
        except BadSignatureError as error:
            raise InvalidCredential("signature does not match") from error
        except (JoseError, ValueError) as error:
            raise InvalidCredential("not a compact JWS") from error
        claims = dict(verified.claims)
        if "BitstringStatusListCredential" in claims.get("type", []):  # signed by us too
            raise InvalidCredential("a status list is not a credential")
        if not claims.get("nbf", 0) <= now.timestamp() < claims.get("exp", 0):
            raise InvalidCredential("outside its validity window")
        return claims

    def _signed_with(self, token: str) -> SigningKey:
        try:
            header = jws.extract_compact(token.encode()).protected
        except (JoseError, ValueError, json.JSONDecodeError) as error:
            raise InvalidCredential("not a compact JWS") from error
        key = self.store.get(str(header.get("kid", "")))
        if key is None or header.get("alg") not in _ALGORITHMS[key.alg]:
            raise InvalidCredential("not signed with this issuer's key")
        return key
