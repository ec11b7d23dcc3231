"""The secured dev stack's Kafka principals: a SCRAM user with a generated password for each
service, each institute and the operators, and the ACLs the topic declarations imply."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from traintrack.contracts.topics import ALL_TOPICS, PREFIX_VARIABLE
from traintrack.platform.messaging.acl_admin import apply_grants, upsert_users
from traintrack.platform.messaging.acls import acl_plan, principals
from traintrack.platform.messaging.connection import KafkaConnection


def password_of(users_dir: Path, principal: str) -> str:
    """The principal's password, made (0600, readable by its owner alone) on first use."""
    stored = users_dir / f"{principal}.password"
    if not stored.exists():
        users_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24))
    return stored.read_text().strip()


def secure(admin: KafkaConnection, users_dir: Path, institutes: Iterable[str]) -> list[str]:
    """Users and ACLs on the cluster `admin` reaches; what was done, one line each."""
    ids = list(institutes)
    users = principals(ALL_TOPICS, institutes=ids)
    upsert_users(admin, {user: password_of(users_dir, user) for user in users})
    prefix = os.environ.get(PREFIX_VARIABLE, "")
    created, deleted = apply_grants(admin, acl_plan(ALL_TOPICS, prefix, institutes=ids))
    return [
        f"SCRAM users: {', '.join(users)} (passwords in {users_dir})",
        f"ACLs: {created} created, {deleted} deleted",
    ]
