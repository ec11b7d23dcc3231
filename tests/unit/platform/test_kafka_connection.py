"""How services reach Kafka: PLAINTEXT in development only, SASL/SCRAM over TLS elsewhere,
and the same connection handed to every client library in its own words."""

import ssl

import pytest
from pydantic import ValidationError

from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.operations.settings import OperationsSettings
from traintrack.platform.messaging.connection import KafkaConnection

PRODUCTION = {
    "ENROLLMENT_ENVIRONMENT": "production",
    "ENROLLMENT_DATABASE_URL": "postgresql://svc:s3cret@db:5432/enrollment",
}


def test_outside_development_plaintext_kafka_is_refused(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="PLAINTEXT is for development only"):
        EnrollmentSettings()
    monkeypatch.setenv("ENROLLMENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("ENROLLMENT_KAFKA_USERNAME", "svc-enrollment")
    monkeypatch.setenv("ENROLLMENT_KAFKA_PASSWORD", "kafka-s3cret")
    assert EnrollmentSettings().kafka.security_protocol == "SASL_SSL"


def test_in_development_plaintext_is_the_default():
    kafka = OperationsSettings().kafka
    assert kafka == KafkaConnection("127.0.0.1:9092")
    assert kafka.aiokafka() == {
        "bootstrap_servers": "127.0.0.1:9092",
        "security_protocol": "PLAINTEXT",
    }


def test_sasl_ssl_without_a_password_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("ENROLLMENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("ENROLLMENT_KAFKA_USERNAME", "svc-enrollment")
    with pytest.raises(ValidationError, match="needs a username and a password"):
        EnrollmentSettings()


def test_the_password_may_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "svc-enrollment.password"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("ENROLLMENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("ENROLLMENT_KAFKA_USERNAME", "svc-enrollment")
    monkeypatch.setenv("ENROLLMENT_KAFKA_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("ENROLLMENT_KAFKA_CA_FILE", "/etc/kafka/ca.pem")
    monkeypatch.setenv("ENROLLMENT_KAFKA_BOOTSTRAP", "k1:9093,k2:9093")
    kafka = EnrollmentSettings().kafka
    assert kafka.password == "from-the-file"
    assert kafka.kafka_python() == {
        "bootstrap_servers": "k1:9093,k2:9093",
        "security_protocol": "SASL_SSL",
        "ssl_cafile": "/etc/kafka/ca.pem",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "svc-enrollment",
        "sasl_plain_password": "from-the-file",
    }


def test_aiokafka_verifies_the_brokers_certificate():
    kafka = KafkaConnection("k1:9093", "SASL_SSL", username="svc-matching", password="pw")
    options = kafka.aiokafka()
    assert options["sasl_plain_username"] == "svc-matching"
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    assert options["ssl_context"].check_hostname is True
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["security_protocol"] == "SASL_SSL"


def test_the_password_is_never_in_its_representation():
    kafka = KafkaConnection("k1:9093", "SASL_SSL", username="svc-outcomes", password="hunter2")
    assert "hunter2" not in repr(kafka)
