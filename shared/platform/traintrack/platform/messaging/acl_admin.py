"""Putting the ACL plan and the SCRAM users on a cluster, as its admin (kafka-python)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    KafkaAdminClient,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    UserScramCredentialUpsertion,
)

from traintrack.platform.messaging.acls import Grant
from traintrack.platform.messaging.connection import KafkaConnection


def _acl(grant: Grant) -> ACL:
    pattern = ResourcePattern(
        ResourceType[grant.resource_type],
        grant.resource,
        ACLResourcePatternType[grant.pattern],
    )
    return ACL(
        grant.principal, "*", ACLOperation[grant.operation], ACLPermissionType.ALLOW, pattern
    )


def _grant(acl: ACL) -> Grant:
    pattern = acl.resource_pattern
    return Grant(
        acl.principal or "",
        acl.operation.name,  # type: ignore[arg-type]
        pattern.resource_type.name,  # type: ignore[arg-type]
        pattern.resource_name,
        pattern.pattern_type.name,  # type: ignore[arg-type]
    )


def upsert_users(kafka: KafkaConnection, passwords: Mapping[str, str]) -> None:
    """Each user's SCRAM credential (the connection's mechanism) set to its password."""
    admin = KafkaAdminClient(**kafka.kafka_python(), client_id="traintrack-security")
    try:
        alterations = [
            UserScramCredentialUpsertion(user, kafka.sasl_mechanism, password)
            for user, password in passwords.items()
        ]
        failed = {
            user: error
            for user, error in admin.alter_user_scram_credentials(alterations).items()
            if error
        }
    finally:
        admin.close()
    if failed:
        raise RuntimeError(f"SCRAM users not set: {failed}")


def apply_grants(kafka: KafkaConnection, grants: Iterable[Grant]) -> tuple[int, int]:
    """The plan's ACLs made the only ones its principals hold: the missing created, the
    others (a topic no longer read, a grant from an older plan) deleted. (created, deleted)."""
    wanted = set(grants)
    admin = KafkaAdminClient(**kafka.kafka_python(), client_id="traintrack-security")
    try:
        held = {
            _grant(acl)
            for principal in sorted({g.principal for g in wanted})
            for acl in _held(admin, principal)
        }
        missing, extra = wanted - held, held - wanted
        if missing:
            result = admin.create_acls([_acl(g) for g in sorted(missing)])
            if result["failed"]:
                raise RuntimeError(f"ACLs not created: {result['failed']}")
        if extra:
            admin.delete_acls([_acl(g) for g in sorted(extra)])
    finally:
        admin.close()
    return len(missing), len(extra)


def _held(admin: KafkaAdminClient, principal: str) -> list[ACL]:
    everything = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
    query = ACLFilter(principal, None, ACLOperation.ANY, ACLPermissionType.ANY, everything)
    acls, _ = admin.describe_acls(query)  # raises the broker's error itself
    # Only grants are ours to reconcile: a DENY someone added stays.
    return [acl for acl in acls if acl.permission_type == ACLPermissionType.ALLOW]
