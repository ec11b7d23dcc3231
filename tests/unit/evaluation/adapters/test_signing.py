"""Signing credentials as VC-JWT with Ed25519, and verifying what this issuer signed."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from traintrack.evaluation.adapters.signing import InvalidCredential, Signer, load_or_create_key

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def claims(days=30):
    return {
        "sub": "tr-1",
        "jti": "cr-1",
        "nbf": int((NOW - timedelta(days=1)).timestamp()),
        "exp": int((NOW + timedelta(days=days)).timestamp()),
    }


def test_processes_racing_for_the_signing_key_end_up_with_the_same_key(tmp_path):
    path = tmp_path / "key.pem"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_or_create_key(path), range(8)))
    assert len({Signer(k, "x").kid for k in keys}) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_what_the_issuer_signs_it_verifies_within_its_validity_window():
    signer = Signer(Ed25519PrivateKey.generate(), "https://evaluation.test")
    token = signer.sign(claims())
    assert signer.verify(token, now=NOW) == claims()
    with pytest.raises(InvalidCredential, match="outside its validity window"):
        signer.verify(token, now=NOW + timedelta(days=31))


def test_a_token_of_another_key_or_tampered_with_is_not_valid():
    signer = Signer(Ed25519PrivateKey.generate(), "https://evaluation.test")
    other = Signer(Ed25519PrivateKey.generate(), "https://evaluation.test")
    with pytest.raises(InvalidCredential, match="not signed with this issuer's key"):
        signer.verify(other.sign(claims()), now=NOW)
    head, _, signature = signer.sign(claims()).split(".")
    forged = other.sign({**claims(), "sub": "tr-2"}).split(".")[1]
    with pytest.raises(InvalidCredential, match="signature does not match"):
        signer.verify(f"{head}.{forged}.{signature}", now=NOW)
    with pytest.raises(InvalidCredential, match="not a compact JWS"):
        signer.verify("not-a-token", now=NOW)


def test_the_jwks_publishes_the_public_half_under_the_tokens_kid():
    signer = Signer(Ed25519PrivateKey.generate(), "https://evaluation.test")
    [key] = signer.jwks()["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["kid"]) == (
        "OKP",
        "Ed25519",
        "Ed25519",
        signer.kid,
    )
