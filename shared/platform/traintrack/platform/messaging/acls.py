"""Who may do what on the cluster, derived from the topic declarations alone.

Each service's principal `svc-<service>` writes the topics it owns and the dead-letter
topics of those it reads, reads the topics it consumes, and uses the consumer groups
named after it. Each institute's principal `institute-<id>` writes the topics outside
clients produce, and nothing else. The operators' principal reads every topic and DLQ,
writes the original topics (replaying a dead letter) and looks at every group's offsets.

Topic names are LITERAL, with the namespace prefix already applied: a PREFIXED
`enrollment.events.v1` would also cover `enrollment.events.v1.dlq`, which its readers
write, not its writer. Groups are PREFIXED by the consumer's name, so a worker started
under a suffixed group (a test's, a replay's) is still its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from traintrack.contracts.topics import Topic

OPERATOR = "traintrack-operator"

Operation = Literal["READ", "WRITE", "DESCRIBE"]
ResourceType = Literal["TOPIC", "GROUP"]
PatternType = Literal["LITERAL", "PREFIXED"]


@dataclass(frozen=True, order=True)
class Grant:
    principal: str  # as Kafka names it: `User:<name>`
    operation: Operation
    resource_type: ResourceType
    resource: str
    pattern: PatternType = "LITERAL"


def service_principal(service: str) -> str:
    return f"svc-{service}"


def institute_principal(institute_id: str) -> str:
    return f"institute-{institute_id}"


def services(topics: Iterable[Topic]) -> list[str]:
    """Every service the declarations name, as writer or reader."""
    found = set()
    for topic in topics:
        if not topic.external_producers:
            found.add(topic.writer)
        found.update(topic.readers)
    return sorted(found)


def acl_plan(
    topics: Iterable[Topic], prefix: str = "", *, institutes: Iterable[str] = ()
) -> list[Grant]:
    """Every grant the declarations imply, each once, in a stable order."""
    declared = list(topics)
    grants = {
        *_service_grants(declared, prefix),
        *_institute_grants(declared, prefix, institutes),
        *_operator_grants(declared, prefix),
    }
    return sorted(grants)


def _service_grants(topics: list[Topic], prefix: str) -> set[Grant]:
    grants = set()
    for service in services(topics):
        user = f"User:{service_principal(service)}"
        for topic in topics:
            name = prefix + topic.base
            if topic.writer == service and not topic.external_producers:
                grants.add(Grant(user, "WRITE", "TOPIC", name))
                grants.add(Grant(user, "DESCRIBE", "TOPIC", name))
            if service in topic.readers:
                grants.add(Grant(user, "READ", "TOPIC", name))
                grants.add(Grant(user, "DESCRIBE", "TOPIC", name))
                grants.add(Grant(user, "WRITE", "TOPIC", f"{name}.dlq"))
                grants.add(Grant(user, "DESCRIBE", "TOPIC", f"{name}.dlq"))
        if any(service in topic.readers for topic in topics):
            grants.add(Grant(user, "READ", "GROUP", service, "PREFIXED"))
    return grants


def _institute_grants(topics: list[Topic], prefix: str, institutes: Iterable[str]) -> set[Grant]:
    grants = set()
    for institute in institutes:
        user = f"User:{institute_principal(institute)}"
        for topic in topics:
            if topic.external_producers:
                grants.add(Grant(user, "WRITE", "TOPIC", prefix + topic.base))
                grants.add(Grant(user, "DESCRIBE", "TOPIC", prefix + topic.base))
    return grants


def _operator_grants(topics: list[Topic], prefix: str) -> set[Grant]:
    user = f"User:{OPERATOR}"
    grants = set()
    for topic in topics:
        name = prefix + topic.base
        for each in (name, f"{name}.dlq"):
            grants.add(Grant(user, "READ", "TOPIC", each))
            grants.add(Grant(user, "DESCRIBE", "TOPIC", each))
        grants.add(Grant(user, "WRITE", "TOPIC", name))
        for reader in topic.readers:
            grants.add(Grant(user, "DESCRIBE", "GROUP", reader, "PREFIXED"))
    return grants


def principals(topics: Iterable[Topic], *, institutes: Iterable[str] = ()) -> list[str]:
    """Every principal the plan grants to (the SCRAM users to make), without `User:`."""
    declared = list(topics)
    return [
        *(service_principal(s) for s in services(declared)),
        *(institute_principal(i) for i in institutes),
        OPERATOR,
    ]
