"""The grants the topic declarations imply, written out by hand."""

from traintrack.contracts.topics import ALL_TOPICS, Topic
from traintrack.platform.messaging.acls import Grant, acl_plan, principals

SUBMISSIONS = Topic(
    "in.v1", writer="institutes", key="k", description="", readers=("a",), external_producers=True
)
A_EVENTS = Topic("a.v1", writer="a", key="k", description="", readers=("b",))


def test_a_small_declaration_gives_exactly_these_grants():
    assert acl_plan((SUBMISSIONS, A_EVENTS), "t.", institutes=("i1",)) == sorted(
        [
            # a writes its topic, reads the submissions, writes their DLQ, uses group a*
            Grant("User:svc-a", "WRITE", "TOPIC", "t.a.v1"),
            Grant("User:svc-a", "DESCRIBE", "TOPIC", "t.a.v1"),
            Grant("User:svc-a", "READ", "TOPIC", "t.in.v1"),
            Grant("User:svc-a", "DESCRIBE", "TOPIC", "t.in.v1"),
            Grant("User:svc-a", "WRITE", "TOPIC", "t.in.v1.dlq"),
            Grant("User:svc-a", "DESCRIBE", "TOPIC", "t.in.v1.dlq"),
            Grant("User:svc-a", "READ", "GROUP", "a", "PREFIXED"),
            # b only reads a's topic and writes its DLQ
            Grant("User:svc-b", "READ", "TOPIC", "t.a.v1"),
            Grant("User:svc-b", "DESCRIBE", "TOPIC", "t.a.v1"),
            Grant("User:svc-b", "WRITE", "TOPIC", "t.a.v1.dlq"),
            Grant("User:svc-b", "DESCRIBE", "TOPIC", "t.a.v1.dlq"),
            Grant("User:svc-b", "READ", "GROUP", "b", "PREFIXED"),
            # the institute writes the submissions, nothing else
            Grant("User:institute-i1", "WRITE", "TOPIC", "t.in.v1"),
            Grant("User:institute-i1", "DESCRIBE", "TOPIC", "t.in.v1"),
            # operators read everything, write the originals back, see every group
            Grant("User:traintrack-operator", "READ", "TOPIC", "t.in.v1"),
            Grant("User:traintrack-operator", "DESCRIBE", "TOPIC", "t.in.v1"),
            Grant("User:traintrack-operator", "READ", "TOPIC", "t.in.v1.dlq"),
            Grant("User:traintrack-operator", "DESCRIBE", "TOPIC", "t.in.v1.dlq"),
            Grant("User:traintrack-operator", "WRITE", "TOPIC", "t.in.v1"),
            Grant("User:traintrack-operator", "READ", "TOPIC", "t.a.v1"),
            Grant("User:traintrack-operator", "DESCRIBE", "TOPIC", "t.a.v1"),
            Grant("User:traintrack-operator", "READ", "TOPIC", "t.a.v1.dlq"),
            Grant("User:traintrack-operator", "DESCRIBE", "TOPIC", "t.a.v1.dlq"),
            Grant("User:traintrack-operator", "WRITE", "TOPIC", "t.a.v1"),
            Grant("User:traintrack-operator", "DESCRIBE", "GROUP", "a", "PREFIXED"),
            Grant("User:traintrack-operator", "DESCRIBE", "GROUP", "b", "PREFIXED"),
        ]
    )


def _of(user: str, operation: str) -> set[str]:
    plan = acl_plan(ALL_TOPICS, "", institutes=("lf-north",))
    return {g.resource for g in plan if g.principal == f"User:{user}" and g.operation == operation}


def test_each_service_writes_its_own_topic_and_the_dlqs_of_what_it_reads():
    assert _of("svc-enrollment", "WRITE") == {
        "enrollment.events.v1",
        "enrollment.attendance.v1",
        "institute.submissions.v1.dlq",
    }
    assert _of("svc-evaluation", "WRITE") == {
        "evaluation.events.v1",
        "enrollment.events.v1.dlq",
        "enrollment.attendance.v1.dlq",
    }
    assert _of("svc-matching", "WRITE") == {
        "matching.events.v1",
        "enrollment.events.v1.dlq",
        "evaluation.events.v1.dlq",
    }
    assert _of("svc-outcomes", "WRITE") == {
        "outcomes.events.v1",
        "enrollment.events.v1.dlq",
        "evaluation.events.v1.dlq",
        "matching.events.v1.dlq",
        "outcomes.events.v1.dlq",
    }


def test_each_service_reads_what_it_consumes_and_its_own_groups():
    assert _of("svc-enrollment", "READ") == {"institute.submissions.v1", "enrollment"}
    assert _of("svc-evaluation", "READ") == {
        "enrollment.events.v1",
        "enrollment.attendance.v1",
        "evaluation",
    }
    assert _of("svc-matching", "READ") == {
        "enrollment.events.v1",
        "evaluation.events.v1",
        "matching",
    }


def test_an_institute_writes_submissions_and_reads_nothing():
    assert _of("institute-lf-north", "WRITE") == {"institute.submissions.v1"}
    assert _of("institute-lf-north", "READ") == set()


def test_the_operator_reads_every_topic_and_dlq_and_writes_the_originals_only():
    assert len(_of("traintrack-operator", "READ")) == 12
    assert _of("traintrack-operator", "WRITE") == {
        "institute.submissions.v1",
        "enrollment.events.v1",
        "enrollment.attendance.v1",
        "evaluation.events.v1",
        "matching.events.v1",
        "outcomes.events.v1",
    }


def test_the_principals_to_make_are_the_services_institutes_and_the_operator():
    assert principals(ALL_TOPICS, institutes=("lf-north",)) == [
        "svc-enrollment",
        "svc-evaluation",
        "svc-matching",
        "svc-outcomes",
        "institute-lf-north",
        "traintrack-operator",
    ]
