"""The credential as Open Badges 3.0 requires it: written out by hand, field by field."""

from datetime import UTC, datetime

from traintrack.evaluation.domain import credential
from traintrack.evaluation.domain.scheme import DEFAULT_SCHEME

ISSUER = "https://eval.test"
ISSUED = datetime(2027, 2, 26, 9, 30, 15, 123_456, tzinfo=UTC)  # 1803634215
UNTIL = datetime(2030, 2, 25, 9, 30, 15, 123_456, tzinfo=UTC)  # 1898242215


def built(status=(0, 0)):
    return credential.claims(
        issuer=ISSUER,
        credential_id="6f1c",
        trainee_id="tr-1",
        programme_id="kdt-ai",
        scheme=DEFAULT_SCHEME,
        issued_at=ISSUED,
        valid_until=UNTIL,
        status=status,
    )


def test_the_payload_is_an_open_badge_credential_with_its_jwt_claims():
    claims = built()
    achievement = claims["credentialSubject"].pop("achievement")
    assert claims == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6f1c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Field-ready certification: kdt-ai",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "traintrack"},
        "validFrom": "2027-02-26T09:30:15Z",
        "validUntil": "2030-02-25T09:30:15Z",
        "credentialSubject": {
            "id": "urn:traintrack:trainee:tr-1",
            "type": ["AchievementSubject"],
        },
        "credentialStatus": {
            "id": f"{ISSUER}/v1/status-lists/0#0",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "0",
            "statusListCredential": f"{ISSUER}/v1/status-lists/0",
        },
        # OB 3.0: iss = issuer.id, jti = id, sub = credentialSubject.id, nbf = validFrom,
        # exp = validUntil, to the second
        "iss": ISSUER,
        "jti": "urn:uuid:6f1c",
        "sub": "urn:traintrack:trainee:tr-1",
        "iat": 1803634215,
        "nbf": 1803634215,
        "exp": 1898242215,
    }
    narrative = achievement.pop("criteria")["narrative"]
    assert achievement == {
        "id": f"{ISSUER}/achievements/kdt-4-stage/v1",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": "Field-ready certification: kdt-ai",
        "description": "Certifies that the holder completed programme kdt-ai and passed all 4 "
        "stages of the kdt-4-stage evaluation (version 1).",
    }
    assert narrative.startswith("Passed, in programme kdt-ai, in order, every stage of ")


def test_the_status_entry_names_the_list_and_index_it_was_given():
    status = built(status=(3, 131_071))["credentialStatus"]
    assert (status["statusListCredential"], status["statusListIndex"]) == (
        f"{ISSUER}/v1/status-lists/3",
        "131071",
    )


def test_identify_reads_todays_payload_and_the_former_one():
    assert credential.identify(built()) == ("6f1c", "tr-1")
    former = {"jti": "cr-9", "sub": "tr-2", "vc": {}}  # bare ids, credential in `vc`
    assert credential.identify(former) == ("cr-9", "tr-2")
