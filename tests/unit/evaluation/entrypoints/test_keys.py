"""The signing-key commands: rotate, list, retire, and what they refuse."""

from traintrack.evaluation.adapters.keys import KeyStore
from traintrack.evaluation.entrypoints.keys import main


def test_rotate_list_and_retire_keys(tmp_path, capsys):
    store = KeyStore(tmp_path / "keys")
    first = store.newest().kid
    assert main(["rotate-key"], store) == 0
    second = store.newest().kid
    assert capsys.readouterr().out == f"{second} signs from now on (RS256)\n"
    assert main(["list-keys"], store) == 0
    assert capsys.readouterr().out == f"{first} RS256 verifies\n{second} RS256 signs\n"
    assert main(["retire-key", first], store) == 0
    assert [k.kid for k in store.verifying()] == [second]
    assert capsys.readouterr().out == f"{first} retired\n"


def test_an_unknown_key_or_a_wrong_usage_is_refused(tmp_path, capsys):
    store = KeyStore(tmp_path / "keys")
    assert main(["retire-key", "nope"], store) == 1
    assert "no key nope" in capsys.readouterr().err
    kid = store.newest().kid
    assert main(["retire-key", "*"], store) == 1  # not a pattern matching every key
    assert [k.kid for k in store.verifying()] == [kid]
    store.retire(kid)
    assert main(["retire-key"], store) == 2
    assert main(["rotate-key", "extra"], store) == 2
    assert "usage: python -m traintrack.evaluation rotate-key" in capsys.readouterr().err
    assert store.verifying() == []  # nothing was made
