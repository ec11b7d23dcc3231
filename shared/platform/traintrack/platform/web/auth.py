"""API keys: stored hashed in a keyring file, each bound to a role and a tenant.

A key reads `tt_<key id>_<secret>`. The keyring holds only SHA-256 hashes of the whole
key and is re-read when it changes on disk, so keys are issued and revoked without a
restart. The secret is 256 random bits, so a fast unsalted hash is safe: a salt or a slow
hash defends guessable passwords, and a pepper would put a secret in every service for
no gain. An institute's Kafka signing secret is not here either: it is derived from a
master secret of its own (`traintrack.platform.messaging.signatures`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader
from pydantic import BaseModel


class Role(StrEnum):
    INSTITUTE = "institute"
    FIRM = "firm"
    OPERATOR = "operator"


class KeyEntry(BaseModel):
    key_id: str
    sha256: str
    role: Role
    tenant: str
    revoked: bool = False


@dataclass(frozen=True)
class Principal:
    key_id: str
    role: Role
    tenant: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(role: Role, tenant: str) -> tuple[str, KeyEntry]:
    key_id = secrets.token_hex(6)
    key = f"tt_{key_id}_{secrets.token_urlsafe(32)}"
    return key, KeyEntry(key_id=key_id, sha256=hash_key(key), role=role, tenant=tenant)


def _entries_in(path: Path) -> list[KeyEntry]:
    if not path.exists():
        return []
    return [KeyEntry.model_validate(e) for e in json.loads(path.read_text())]


def _write(path: Path, entries: list[KeyEntry]) -> None:
    """Atomically: a service re-reading the file never sees half of it."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps([e.model_dump() for e in entries], indent=2))
    temporary.chmod(0o600)
    temporary.replace(path)


def add_key(path: Path, role: Role, tenant: str) -> tuple[str, KeyEntry]:
    """Issue a key into the keyring file; the key itself is returned once, never stored."""
    key, entry = issue_key(role, tenant)
    _write(path, [*_entries_in(path), entry])
    return key, entry


def revoke_key(path: Path, key_id: str) -> KeyEntry:
    """Refused from the next request on, in every service reading the file."""
    entries = _entries_in(path)
    found = [e for e in entries if e.key_id == key_id]
    if not found:
        raise KeyError(key_id)
    revoked = found[0].model_copy(update={"revoked": True})
    _write(path, [revoked if e.key_id == key_id else e for e in entries])
    return revoked


def list_keys(path: Path) -> list[KeyEntry]:
    return _entries_in(path)


class Keyring:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._mtime: float | None = None
        self._entries: dict[str, KeyEntry] = {}

    def _reload_if_changed(self) -> None:
        try:
            mtime = self._path.stat().st_mtime
        except FileNotFoundError:
            self._entries, self._mtime = {}, None
            return
        if mtime != self._mtime:
            entries = [KeyEntry.model_validate(e) for e in json.loads(self._path.read_text())]
            self._entries = {e.key_id: e for e in entries}
            self._mtime = mtime

    def entry(self, key_id: str) -> KeyEntry | None:
        self._reload_if_changed()
        return self._entries.get(key_id)

    def authenticate(self, key: str) -> Principal | None:
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != "tt":
            return None
        self._reload_if_changed()
        entry = self._entries.get(parts[1])
        if entry is None or entry.revoked:
            return None
        if not hmac.compare_digest(entry.sha256, hash_key(key)):
            return None
        return Principal(entry.key_id, entry.role, entry.tenant)


api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A traintrack API key (role and tenant bound)."
)


def note_caller(scope: MutableMapping[str, Any]) -> None:
    """Note who calls, if their key is valid, for a request refused before any route's role
    check (a malformed parameter or body): an operator's refused change is still audited."""
    headers = dict(scope.get("headers") or [])
    key = headers.get(api_key_header.model.name.lower().encode())
    app = scope.get("app")
    if not key or app is None:
        return
    principal = app.state.keyring.authenticate(key.decode("latin-1"))
    if principal is not None:
        scope.setdefault("state", {})["principal"] = principal


def requires(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only the given roles: 401 without a valid key, 403 otherwise."""
    allowed = frozenset(roles)

    # A coroutine: FastAPI runs a plain function in its thread pool, a hand-off that cost
    # more than the check (a stat of the keyring file and one SHA-256).
    async def dependency(
        request: Request, key: Annotated[str | None, Depends(api_key_header)]
    ) -> Principal:
        keyring: Keyring = request.app.state.keyring
        principal = keyring.authenticate(key) if key else None
        if principal is None:
            raise HTTPException(
                401, "a valid X-API-Key header is required", headers={"WWW-Authenticate": "ApiKey"}
            )
        if principal.role not in allowed:
            raise HTTPException(
                403,
                f"role {principal.role} may not call this endpoint; "
                f"allowed: {', '.join(sorted(allowed))}",
            )
        request.state.principal = principal  # for the audit log
        return principal

    dependency.__name__ = f"requires_{'_or_'.join(sorted(allowed))}"
    dependency.roles = allowed  # type: ignore[attr-defined]  # read by the authorization tests
    return dependency
