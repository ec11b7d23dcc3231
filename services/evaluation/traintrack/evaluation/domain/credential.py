"""What a credential says: an Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable
Credential, data model 2.0) for one enrollment's certification, naming its programme and
scheme version, with its place in a revocation status list. Signing it (VC-JWT) is the
signing adapter's business.

As OB 3.0 secures a credential as a JWT: the payload is the credential itself, with `iss`
(issuer.id), `jti` (id), `sub` (credentialSubject.id), `nbf` (validFrom) and `exp`
(validUntil) beside it. Credentials issued before status lists (2026-12) carried the
credential in a `vc` claim, and `jti`/`sub` were bare ids; `identify` reads both.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from traintrack.evaluation.domain import status_list
from traintrack.evaluation.domain.scheme import Scheme
from traintrack.evaluation.domain.status_list import zulu

VALIDITY = timedelta(days=3 * 365)
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISSUER_NAME = "traintrack"
_CREDENTIAL, _TRAINEE = "urn:uuid:", "urn:traintrack:trainee:"


def claims(
    *,
    issuer: str,
    credential_id: str,
    trainee_id: str,
    programme_id: str,
    scheme: Scheme,
    issued_at: datetime,
    valid_until: datetime,
    status: tuple[int, int],
) -> dict[str, Any]:
    """The JWT claims of the credential; `issuer` is the evaluation service's public URL,
    `status` the (list, index) of its revocation bit."""
    nbf, exp = int(issued_at.timestamp()), int(valid_until.timestamp())
    stages = "; ".join(s.name for s in scheme.stages)
    title = f"{scheme.stages[-1].name} certification: {programme_id}"
    uri, subject = f"{_CREDENTIAL}{credential_id}", f"{_TRAINEE}{trainee_id}"
    credential: dict[str, Any] = {
        "@context": [status_list.VC_CONTEXT, OB_CONTEXT],
        "id": uri,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {"id": issuer, "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": zulu(nbf),
        "validUntil": zulu(exp),
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{issuer}/achievements/{scheme.scheme_id}/v{scheme.version}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": title,
                "description": f"Certifies that the holder completed programme {programme_id} "
                f"and passed all {len(scheme.stages)} stages of the {scheme.scheme_id} "
                f"evaluation (version {scheme.version}).",
                "criteria": {
                    "narrative": f"Passed, in programme {programme_id}, in order, every "
                    f"stage of {scheme.scheme_id} v{scheme.version}: {stages}"
                },
            },
        },
        "credentialStatus": status_list.entry(issuer, *status),
    }
    return {
        **credential,
        "iss": issuer,
        "jti": uri,
        "sub": subject,
        "iat": nbf,
        "nbf": nbf,
        "exp": exp,
    }


def identify(claims: dict[str, Any]) -> tuple[str, str]:
    """The credential id and trainee id the claims are about (either payload shape)."""
    return claims["jti"].removeprefix(_CREDENTIAL), claims["sub"].removeprefix(_TRAINEE)
