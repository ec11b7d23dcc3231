"""Keyrings for tests: issue keys, write their hashes where a service reads them."""

from __future__ import annotations

import json
from pathlib import Path

from traintrack.platform.web.auth import Role, issue_key


def write_keyring(path: Path, principals: dict[str, tuple[Role, str]]) -> dict[str, str]:
    """Issue a key per name for (role, tenant); the hashes go to `path`; the keys return."""
    issued = {name: issue_key(role, tenant) for name, (role, tenant) in principals.items()}
    path.write_text(json.dumps([entry.model_dump() for _, entry in issued.values()]))
    return {name: key for name, (key, _) in issued.items()}


STANDARD = {
    "institute": (Role.INSTITUTE, "inst-a"),
    "other_institute": (Role.INSTITUTE, "inst-b"),
    "firm": (Role.FIRM, "firm-a"),
    "other_firm": (Role.FIRM, "firm-b"),
    "operator": (Role.OPERATOR, "platform"),
}
