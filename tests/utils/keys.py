"""Keyrings for tests: issue keys, write their hashes where a service reads them, and the
institutes' signing secrets, derived from one test master secret."""

from __future__ import annotations

import json
from pathlib import Path

from traintrack.platform.messaging.signatures import SubmissionVerifier, signing_secret
from traintrack.platform.web.auth import Keyring, Role, issue_key

# The master secret of every test platform (a service is pointed at `write_master`'s file).
MASTER = b"traintrack-tests-submission-signing-master-0123456789"


def write_keyring(path: Path, principals: dict[str, tuple[Role, str]]) -> dict[str, str]:
    """Issue a key per name for (role, tenant); the hashes go to `path`, the test master
    beside it (`master_file`); the keys return."""
    issued = {name: issue_key(role, tenant) for name, (role, tenant) in principals.items()}
    path.write_text(json.dumps([entry.model_dump() for _, entry in issued.values()]))
    write_master(master_file(path))
    return {name: key for name, (key, _) in issued.items()}


def master_file(keyring: Path) -> Path:
    return keyring.with_name("submission-signing-master")


def write_master(path: Path) -> Path:
    path.write_bytes(MASTER)
    return path


def signing_secret_of(key: str) -> str:
    """The signing secret issued with institute key `key` (under the test master)."""
    return signing_secret(MASTER, key.split("_", 2)[1])


def verifier(keyring: Path) -> SubmissionVerifier:
    """What the enrollment worker checks submissions with, on this keyring."""
    return SubmissionVerifier(Keyring(keyring), MASTER)


STANDARD = {
    "institute": (Role.INSTITUTE, "inst-a"),
    "other_institute": (Role.INSTITUTE, "inst-b"),
    "firm": (Role.FIRM, "firm-a"),
    "other_firm": (Role.FIRM, "firm-b"),
    "operator": (Role.OPERATOR, "platform"),
}
