"""Institutes' signing secrets: derived from the master and the key id, nothing the
keyring holds; the master file is created in development only."""

import hashlib
import hmac
import os

import pytest

from traintrack.contracts import signing
from traintrack.platform.messaging.signatures import MIN_MASTER_BYTES, load_master, signing_secret
from traintrack.platform.web.auth import Role, issue_key

MASTER = b"m" * MIN_MASTER_BYTES


def test_a_signing_secret_is_the_hmac_of_its_key_id_under_the_master():
    label = b"traintrack institute submission signing v1\n"
    expected = hmac.new(MASTER, label + b"abc123", hashlib.sha256).hexdigest()
    assert signing_secret(MASTER, "abc123") == f"ttsig_abc123_{expected}"
    assert signing.key_id_of(signing_secret(MASTER, "abc123")) == "abc123"


def test_each_key_and_each_master_gives_another_secret_and_none_is_the_keyrings_hash():
    key, entry = issue_key(Role.INSTITUTE, "inst-a")
    secret = signing_secret(MASTER, entry.key_id)
    assert secret != signing_secret(MASTER, entry.key_id + "0")
    assert secret != signing_secret(b"n" * MIN_MASTER_BYTES, entry.key_id)
    assert entry.sha256 not in secret
    assert hashlib.sha256(key.encode()).hexdigest() not in secret


@pytest.mark.parametrize(
    "not_a_secret",
    [
        "tt_abc123_" + "a" * 43,
        "ttsig_abc123_" + "a" * 63,
        "ttsig_abc123_" + "a" * 65,
        "ttsig__" + "a" * 64,
        "ttsig_abc123_" + "A" * 64,
    ],
)
def test_an_api_key_or_a_malformed_secret_signs_nothing(not_a_secret):
    with pytest.raises(ValueError, match="not a traintrack signing secret"):
        signing.sign(not_a_secret, "id", "type", b"{}")


def test_the_master_is_created_once_with_owner_only_access_when_allowed(tmp_path):
    path = tmp_path / "run" / "master"
    created = load_master(path, create=True)
    assert len(created) >= MIN_MASTER_BYTES
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_master(path, create=True) == created
    assert load_master(path, create=False) == created


def test_a_missing_master_is_an_error_where_it_may_not_be_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_master(tmp_path / "master", create=False)
    assert not (tmp_path / "master").exists()


def test_a_master_one_byte_short_is_refused_and_one_at_the_limit_taken(tmp_path):
    (tmp_path / "short").write_text("x" * (MIN_MASTER_BYTES - 1) + "\n")
    (tmp_path / "enough").write_text("x" * MIN_MASTER_BYTES + "\n")
    with pytest.raises(ValueError, match="shorter than"):
        load_master(tmp_path / "short", create=False)
    assert load_master(tmp_path / "enough", create=False) == b"x" * MIN_MASTER_BYTES
