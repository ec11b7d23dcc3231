"""The dev stack hands each service its own Kafka user when the stack is secured, and
nothing about security when it is not (plaintext development)."""

from traintrack.devstack.infra import RUN, Endpoints
from traintrack.devstack.services import service_env

PLAIN = Endpoints("127.0.0.1:9092", "postgresql://u:p@127.0.0.1:55432", "http://z:9411")
SECURED = Endpoints(
    "127.0.0.1:9092",
    "postgresql://u:p@127.0.0.1:55432",
    "http://z:9411",
    "SASL_SSL",
    "/run/kafka/tls/ca.pem",
    "traintrack-admin",
    "/run/kafka/traintrack-admin.password",
)


def test_a_plaintext_stack_passes_no_kafka_security():
    env = service_env("enrollment", PLAIN)
    assert not [name for name in env if "KAFKA_" in name and name != "ENROLLMENT_KAFKA_BOOTSTRAP"]


def test_a_secured_stack_gives_each_service_its_own_principal():
    env = service_env("matching", SECURED)
    assert env["MATCHING_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["MATCHING_KAFKA_USERNAME"] == "svc-matching"
    assert env["MATCHING_KAFKA_PASSWORD_FILE"] == str(RUN / "kafka/users/svc-matching.password")
    assert env["MATCHING_KAFKA_CA_FILE"] == "/run/kafka/tls/ca.pem"
    assert "traintrack-admin" not in " ".join(env.values())  # never the admin's


def test_the_operations_service_connects_as_the_operators():
    env = service_env("operations", SECURED)
    assert env["OPERATIONS_KAFKA_USERNAME"] == "traintrack-operator"
    assert env["OPERATIONS_KAFKA_PASSWORD_FILE"].endswith("/traintrack-operator.password")
