"""What a credential says: an Open Badges 3.0 achievement as a W3C Verifiable Credential,
for one enrollment's certification, naming its programme and scheme version. Signing it
(VC-JWT) is the signing adapter's business."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from traintrack.evaluation.domain.scheme import Scheme

VALIDITY = timedelta(days=3 * 365)


def claims(
    *,
    issuer: str,
    credential_id: str,
    trainee_id: str,
    programme_id: str,
    scheme: Scheme,
    issued_at: datetime,
    valid_until: datetime,
) -> dict[str, Any]:
    """The JWT claims of the credential; `issuer` is the evaluation service's public URL."""
    last = scheme.stages[-1]
    vc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "traintrack"},
        "validFrom": issued_at.isoformat(),
        "validUntil": valid_until.isoformat(),
        "credentialSubject": {
            "id": f"urn:traintrack:trainee:{trainee_id}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{issuer}/achievements/{scheme.scheme_id}/v{scheme.version}",
                "type": ["Achievement"],
                "name": f"{last.name} certification: {programme_id}",
                "criteria": {
                    "narrative": f"Passed, in programme {programme_id}, in order, every "
                    f"stage of {scheme.scheme_id} v{scheme.version}: "
                    + "; ".join(s.name for s in scheme.stages)
                },
            },
        },
        "credentialStatus": {
            "id": f"{issuer}/v1/credentials/{credential_id}/status",
            "type": "TraintrackRevocationStatus",
        },
    }
    return {
        "iss": issuer,
        "sub": trainee_id,
        "jti": credential_id,
        "iat": int(issued_at.timestamp()),
        "nbf": int(issued_at.timestamp()),
        "exp": int(valid_until.timestamp()),
        "vc": vc,
    }
