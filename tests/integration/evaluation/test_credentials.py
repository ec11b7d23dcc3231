"""Credentials as an outside verifier sees them: verified by PyJWT (not the service's JOSE
library) against the public JWKS, revocation read from the public status list alone, and a
key rotation that leaves earlier credentials valid."""

import asyncio
import base64
import os
import sys
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import OKPKey

from tests.utils.apps import client_of, running_app
from tests.utils.evaluation import (
    PROGRAMME,
    certify,
    credential_jwt,
    enroll,
    revoked_per_status_list,
    verify_independently,
)
from traintrack.evaluation.adapters.records import CredentialRepository
from traintrack.evaluation.bootstrap import create_app
from traintrack.evaluation.settings import EvaluationSettings

pytestmark = pytest.mark.integration


async def test_a_credential_verifies_with_an_independent_jose_library(app, client, keys):
    who = await enroll(app)
    certified = await certify(app, client, keys, who)
    token = await credential_jwt(client, keys, certified["credential_id"])
    issuer = app.state.signer.issuer
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["typ"]) == ("RS256", "JWT")  # what OB 3.0 verifiers support
    claims = await verify_independently(client, token)
    achievement = claims["credentialSubject"].pop("achievement")
    status = claims.pop("credentialStatus")
    stamps = {k: claims.pop(k) for k in ("validFrom", "validUntil", "iat", "nbf", "exp")}
    assert claims == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{certified['credential_id']}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Field-ready certification: {PROGRAMME}",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "traintrack"},
        "credentialSubject": {
            "id": f"urn:traintrack:trainee:{who.trainee_id}",
            "type": ["AchievementSubject"],
        },
        "iss": issuer,
        "jti": f"urn:uuid:{certified['credential_id']}",
        "sub": f"urn:traintrack:trainee:{who.trainee_id}",
    }
    issued_at = datetime.fromisoformat(certified["issued_at"])
    assert stamps["nbf"] == int(issued_at.timestamp())
    assert stamps["validFrom"] == datetime.fromtimestamp(stamps["nbf"], UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert stamps["exp"] == int(datetime.fromisoformat(certified["valid_until"]).timestamp())
    assert (achievement["type"], achievement["name"]) == (
        ["Achievement"],
        f"Field-ready certification: {PROGRAMME}",
    )
    assert achievement["description"] and achievement["criteria"]["narrative"]
    assert (status["type"], status["statusPurpose"]) == ("BitstringStatusListEntry", "revocation")
    assert status["statusListCredential"].startswith(f"{issuer}/v1/status-lists/")
    # One character changed in the signed part: PyJWT refuses it, and so does the service.
    head, payload, signature = token.split(".")
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(jwt.InvalidSignatureError):
        await verify_independently(client, f"{head}.{flipped}.{signature}")
    ours = await client.post("/v1/credentials/verify", json={"credential": token})
    assert ours.json()["valid"] is True
    assert (ours.json()["credential_id"], ours.json()["trainee_id"]) == (
        certified["credential_id"],
        who.trainee_id,
    )
    tampered = await client.post(
        "/v1/credentials/verify", json={"credential": f"{head}.{flipped}.{signature}"}
    )
    assert tampered.json() == {
        "valid": False,
        "credential_id": None,
        "trainee_id": None,
        "reason": "signature does not match",
    }


async def test_revocation_and_reinstatement_show_in_the_status_list_alone(app, client, keys):
    one, two = await enroll(app), await enroll(app)
    first = await credential_jwt(
        client, keys, (await certify(app, client, keys, one))["credential_id"]
    )
    second_certified = await certify(app, client, keys, two)
    second = await credential_jwt(client, keys, second_certified["credential_id"])
    assert await revoked_per_status_list(client, first) is False
    assert await revoked_per_status_list(client, second) is False
    path = f"/v1/credentials/{second_certified['credential_id']}"
    revoked = await client.post(
        f"{path}/revocation", headers=keys["operator"], json={"reason": "fraud"}
    )
    assert revoked.status_code == 200, revoked.text
    assert await revoked_per_status_list(client, second) is True
    assert await revoked_per_status_list(client, first) is False  # its neighbour untouched
    reinstated = await client.post(
        f"{path}/reinstatement", headers=keys["operator"], json={"reason": "appeal upheld"}
    )
    assert reinstated.status_code == 200, reinstated.text
    assert await revoked_per_status_list(client, second) is False


async def test_status_lists_are_public_and_only_those_handed_out_exist(client):
    listed = await client.get("/v1/status-lists/0")  # no key sent
    assert listed.status_code == 200
    assert listed.headers["cache-control"] == "public, max-age=300"  # the spec's default ttl
    claims = await verify_independently(client, listed.text)
    assert jwt.get_unverified_header(listed.text)["typ"] == "vc+jwt"
    assert claims["id"] == claims["jti"] and claims["id"].endswith("/v1/status-lists/0")
    unknown = await client.get("/v1/status-lists/7")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    negative = await client.get("/v1/status-lists/-1")
    assert negative.status_code == 422
    assert negative.headers["content-type"] == "application/problem+json"


async def test_transactions_issuing_at_once_never_share_a_status_bit(app):
    async def allocate() -> tuple[int, int]:
        async with app.state.pool.acquire() as conn, conn.transaction():
            return await CredentialRepository(conn).allocate_status()

    places = await asyncio.gather(*(allocate() for _ in range(40)))
    assert len(set(places)) == 40


async def test_after_a_key_rotation_old_credentials_verify_and_new_ones_carry_the_new_kid(
    app, client, keys
):
    store = app.state.signer.store
    old_token = await credential_jwt(
        client, keys, (await certify(app, client, keys, await enroll(app)))["credential_id"]
    )
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    # The command an operator runs, as a process of its own on the same key directory.
    rotate = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "traintrack.evaluation",
        "rotate-key",
        env={
            **os.environ,
            "EVALUATION_SIGNING_KEYS_DIR": str(store.directory),
            "EVALUATION_SIGNING_KEY_FILE": str(store.directory / "no-legacy-key.pem"),
        },
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _ = await asyncio.wait_for(rotate.communicate(), timeout=60)
    assert rotate.returncode == 0
    new_kid = stdout.decode().split()[0]
    assert new_kid != old_kid
    new_token = await credential_jwt(
        client, keys, (await certify(app, client, keys, await enroll(app)))["credential_id"]
    )
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]][-2:] == [old_kid, new_kid]
    for token in (old_token, new_token):
        assert (await verify_independently(client, token))["iss"] == app.state.signer.issuer
        verdict = await client.post("/v1/credentials/verify", json={"credential": token})
        assert verdict.json()["valid"] is True
    # The status list is signed with the new key, and still reads the old credential's bit.
    assert await revoked_per_status_list(client, old_token) is False
    listed = await client.get("/v1/status-lists/0")
    assert jwt.get_unverified_header(listed.text)["kid"] == new_kid


async def test_a_credential_of_the_former_single_ed25519_key_still_verifies(
    platform, keys, tmp_path
):
    legacy = Ed25519PrivateKey.generate()
    pem = legacy.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "signing-key.pem").write_bytes(pem)
    raw = legacy.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    legacy_kid = base64.urlsafe_b64encode(raw).decode()[:16]
    now = int(datetime.now(UTC).timestamp())
    # what the former code issued: the credential in a `vc` claim, bare ids
    former = joserfc_jwt.encode(
        {"alg": "Ed25519", "typ": "vc+jwt", "kid": legacy_kid},
        {"iss": "x", "sub": "tr-old", "jti": "cr-old", "nbf": now - 60, "exp": now + 60, "vc": {}},
        OKPKey.import_key(pem),
        algorithms=["Ed25519"],
    )
    async with (
        running_app(
            create_app,
            EvaluationSettings,
            platform,
            keys["file"],
            "evaluation_legacy_key",
            signing_keys_dir=tmp_path / "keys",
            signing_key_file=tmp_path / "signing-key.pem",
        ) as app,
        client_of(app, "evaluation") as client,
    ):
        await app.state.pool.execute(
            "INSERT INTO credentials (credential_id, trainee_id, jwt, issued_at, valid_until) "
            "VALUES ('cr-old', 'tr-old', $1, now(), now() + interval '1 day')",
            former,
        )
        verdict = await client.post("/v1/credentials/verify", json={"credential": former})
        assert verdict.json() == {
            "valid": True,
            "credential_id": "cr-old",
            "trainee_id": "tr-old",
            "reason": None,
        }
        jwks = (await client.get("/.well-known/jwks.json")).json()
        # the legacy key verifies; a new RSA key, made at start, signs
        assert [k["alg"] for k in jwks["keys"]] == ["Ed25519", "RS256"]
        assert jwks["keys"][0]["kid"] == legacy_kid
