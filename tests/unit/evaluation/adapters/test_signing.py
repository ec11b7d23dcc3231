"""Signing credentials as VC-JWT under the newest key of the key store, verifying by the
token's key id, rotating and retiring keys, and the Ed25519 key of earlier versions."""

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt
from joserfc.jwk import OKPKey

from traintrack.evaluation.adapters.keys import KeyStore, UnknownKey
from traintrack.evaluation.adapters.signing import InvalidCredential, Signer

NOW = datetime(2027, 3, 1, tzinfo=UTC)
ISSUER = "https://evaluation.test"


def claims(days=30):
    return {
        "sub": "tr-1",
        "jti": "cr-1",
        "nbf": int((NOW - timedelta(days=1)).timestamp()),
        "exp": int((NOW + timedelta(days=days)).timestamp()),
    }


def header(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


@pytest.fixture
def signer(tmp_path):
    return Signer(KeyStore(tmp_path / "keys"), ISSUER)


def test_processes_racing_for_the_first_key_end_up_with_the_same_key(tmp_path):
    stores = [KeyStore(tmp_path / "keys") for _ in range(6)]  # one per process
    with ThreadPoolExecutor(6) as pool:
        kids = set(pool.map(lambda store: store.newest().kid, stores))
    assert len(kids) == 1
    [path] = (tmp_path / "keys").glob("*.pem")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_what_the_issuer_signs_it_verifies_within_its_validity_window(signer):
    token = signer.sign(claims())
    assert header(token) == {"alg": "RS256", "kid": signer.store.newest().kid, "typ": "JWT"}
    assert signer.verify(token, now=NOW) == claims()
    with pytest.raises(InvalidCredential, match="outside its validity window"):
        signer.verify(token, now=NOW + timedelta(days=30))  # exp is exclusive
    assert signer.verify(token, now=NOW + timedelta(days=30, seconds=-1)) == claims()


def test_a_token_of_another_key_or_tampered_with_is_not_valid(signer, tmp_path):
    other = Signer(KeyStore(tmp_path / "other"), ISSUER)
    with pytest.raises(InvalidCredential, match="not signed with this issuer's key"):
        signer.verify(other.sign(claims()), now=NOW)
    head, _, signature = signer.sign(claims()).split(".")
    forged = other.sign({**claims(), "sub": "tr-2"}).split(".")[1]
    with pytest.raises(InvalidCredential, match="signature does not match"):
        signer.verify(f"{head}.{forged}.{signature}", now=NOW)
    for garbage in ("not-a-token", "a.b.c", ""):
        with pytest.raises(InvalidCredential, match="not a compact JWS"):
            signer.verify(garbage, now=NOW)


def test_a_status_list_signed_by_the_issuer_is_not_taken_for_a_credential(signer):
    listed = {**claims(), "type": ["VerifiableCredential", "BitstringStatusListCredential"]}
    status_list = signer.sign(listed, typ="vc+jwt")
    with pytest.raises(InvalidCredential, match="a status list is not a credential"):
        signer.verify(status_list, now=NOW)


def test_after_a_rotation_the_new_key_signs_and_the_old_tokens_still_verify(signer):
    old = signer.sign(claims())
    first = signer.store.newest().kid
    second = signer.store.rotate().kid
    new = signer.sign(claims())
    assert (header(old)["kid"], header(new)["kid"]) == (first, second)
    assert signer.verify(old, now=NOW) == signer.verify(new, now=NOW) == claims()
    assert [k["kid"] for k in signer.jwks()["keys"]] == [first, second]


def test_a_retired_key_leaves_the_jwks_and_what_it_signed_no_longer_verifies(signer):
    old = signer.sign(claims())
    first = signer.store.newest().kid
    second = signer.store.rotate().kid
    signer.store.retire(first)
    assert [k["kid"] for k in signer.jwks()["keys"]] == [second]
    with pytest.raises(InvalidCredential, match="not signed with this issuer's key"):
        signer.verify(old, now=NOW)
    with pytest.raises(UnknownKey):
        signer.store.retire("no-such-key")


def test_the_jwks_publishes_public_halves_only(signer):
    signer.store.newest()
    [key] = signer.jwks()["keys"]
    assert (key["kty"], key["alg"], key["use"], key["kid"]) == (
        "RSA",
        "RS256",
        "sig",
        signer.store.newest().kid,
    )
    assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}  # no private parts


def test_credentials_of_the_former_single_ed25519_key_keep_verifying(tmp_path):
    legacy = Ed25519PrivateKey.generate()
    pem = legacy.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "key.pem").write_bytes(pem)
    raw = legacy.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    legacy_kid = base64.urlsafe_b64encode(raw).decode()[:16]
    # as the former code signed: alg Ed25519, typ vc+jwt, the legacy kid
    old = jwt.encode(
        {"alg": "Ed25519", "typ": "vc+jwt", "kid": legacy_kid},
        claims(),
        OKPKey.import_key(pem),
        algorithms=["Ed25519"],
    )
    signer = Signer(KeyStore(tmp_path / "keys", legacy_file=tmp_path / "key.pem"), ISSUER)
    assert signer.verify(old, now=NOW) == claims()
    new = signer.sign(claims())
    assert header(new)["alg"] == "RS256" and header(new)["kid"] != legacy_kid
    assert [k["kid"] for k in signer.jwks()["keys"]] == [legacy_kid, header(new)["kid"]]
    # once retired, the legacy key is not taken in again
    signer.store.retire(legacy_kid)
    assert legacy_kid not in [k["kid"] for k in signer.jwks()["keys"]]
