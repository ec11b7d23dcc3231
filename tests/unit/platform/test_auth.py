import json
import os

from traintrack.platform.web.auth import Keyring, Role, issue_key


def write(path, *entries):
    path.write_text(json.dumps([e.model_dump() for e in entries]))


def test_an_issued_key_authenticates_as_its_role_and_tenant(tmp_path):
    key, entry = issue_key(Role.INSTITUTE, "inst-a")
    write(tmp_path / "keys.json", entry)
    principal = Keyring(tmp_path / "keys.json").authenticate(key)
    assert principal is not None
    assert (principal.role, principal.tenant) == (Role.INSTITUTE, "inst-a")


def test_the_keyring_holds_no_plaintext_key(tmp_path):
    key, entry = issue_key(Role.OPERATOR, "platform")
    write(tmp_path / "keys.json", entry)
    assert key.split("_", 2)[2] not in (tmp_path / "keys.json").read_text()


def test_a_wrong_secret_an_unknown_id_or_garbage_is_refused(tmp_path):
    key, entry = issue_key(Role.FIRM, "firm-a")
    write(tmp_path / "keys.json", entry)
    keyring = Keyring(tmp_path / "keys.json")
    assert keyring.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert keyring.authenticate(f"tt_ffffffffffff_{key.split('_', 2)[2]}") is None
    assert keyring.authenticate("not-a-key") is None
    assert keyring.authenticate("") is None


def test_a_revoked_key_is_refused_without_a_restart(tmp_path):
    path = tmp_path / "keys.json"
    key, entry = issue_key(Role.FIRM, "firm-a")
    write(path, entry)
    keyring = Keyring(path)
    assert keyring.authenticate(key) is not None
    write(path, entry.model_copy(update={"revoked": True}))
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 1))
    assert keyring.authenticate(key) is None


def test_a_missing_keyring_admits_nobody(tmp_path):
    key, _ = issue_key(Role.OPERATOR, "platform")
    assert Keyring(tmp_path / "absent.json").authenticate(key) is None


def test_a_key_is_rotated_by_issuing_a_new_one_then_revoking_the_old(tmp_path):
    from traintrack.platform.web.auth import add_key, list_keys, revoke_key

    path = tmp_path / "keyring.json"
    old, old_entry = add_key(path, Role.FIRM, "firm-a")
    keyring = Keyring(path)
    new, _ = add_key(path, Role.FIRM, "firm-a")
    assert keyring.authenticate(old) and keyring.authenticate(new)  # both during the switch
    revoke_key(path, old_entry.key_id)
    assert keyring.authenticate(old) is None
    assert keyring.authenticate(new).tenant == "firm-a"
    assert old not in path.read_text() and new not in path.read_text()
    assert [e.revoked for e in list_keys(path)] == [True, False]
