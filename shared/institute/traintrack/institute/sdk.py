"""Produce submissions onto institute.submissions.v1 with kafka-python.

    client = InstituteClient(bootstrap="broker:9092", signing_secret=SECRET)
    client.send(RecordAttendance(trainee_id=..., enrollment_id=..., day=..., status="present",
                                 check_in=time(9)))
    client.flush()

Each submission is a CloudEvent in Kafka binary mode, keyed by trainee id, signed with
the signing secret (`ttsig_...`) handed out with the institute's key (see signing.py);
the API key itself is for HTTP only. The send is idempotent and waits for all
in-sync replicas.

Outside development the cluster takes SASL/SCRAM over TLS only, as the institute's own
principal (`institute-<institute id>`, which may write this topic and nothing else):

    InstituteClient(bootstrap="broker:9093", signing_secret=SECRET,
                    security_protocol="SASL_SSL", username="institute-...",
                    password=KAFKA_PASSWORD, ca_file="ca.pem")
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer
from kafka.producer.future import FutureRecordMetadata

from traintrack.contracts import codec, signing
from traintrack.contracts.submissions import Submission
from traintrack.contracts.topics import PRODUCER


def instrument_kafka_python() -> None:
    """Trace context into every produced message (no-op without the instrumentation)."""
    try:
        from opentelemetry.instrumentation.kafka import KafkaInstrumentor
    except ImportError:  # pragma: no cover - the dependency is declared
        return
    instrumentor = KafkaInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def signed_record(
    submission: Submission, signing_secret: str, *, event_id: str | None = None
) -> codec.KafkaRecord:
    """The submission as a CloudEvent record signed with the institute's signing secret."""
    key_id = signing.key_id_of(signing_secret)
    event = codec.to_cloudevent(submission, source=f"/institutes/key/{key_id}", event_id=event_id)
    record = codec.encode(event)
    signature = signing.sign(signing_secret, event.get_id(), submission.type, record.value)
    headers = [
        *record.headers,
        (f"ce_{signing.KEY_ID}", key_id.encode()),
        (f"ce_{signing.SIGNATURE}", signature.encode()),
    ]
    return codec.KafkaRecord(record.key, record.value, headers)


def security(
    protocol: str, username: str | None, password: str | None, ca_file: str | None, mechanism: str
) -> dict[str, Any]:
    """kafka-python's keyword arguments for the connection's security."""
    found: dict[str, Any] = {"security_protocol": protocol}
    if protocol in ("SSL", "SASL_SSL") and ca_file:
        found["ssl_cafile"] = ca_file
    if protocol in ("SASL_SSL", "SASL_PLAINTEXT"):
        if not (username and password):
            raise ValueError(f"{protocol} needs a username and a password")
        found |= {
            "sasl_mechanism": mechanism,
            "sasl_plain_username": username,
            "sasl_plain_password": password,
        }
    return found


class InstituteClient:
    def __init__(
        self,
        *,
        bootstrap: str,
        signing_secret: str,
        security_protocol: str = "PLAINTEXT",
        username: str | None = None,
        password: str | None = None,
        ca_file: str | None = None,
        sasl_mechanism: str = "SCRAM-SHA-512",
        **producer: Any,
    ) -> None:
        signing.key_id_of(signing_secret)  # refuse a malformed secret (an API key) up front
        self._signing_secret = signing_secret
        settings: dict[str, Any] = {
            "bootstrap_servers": bootstrap,
            **security(security_protocol, username, password, ca_file, sasl_mechanism),
            "acks": PRODUCER.acks,
            "enable_idempotence": PRODUCER.idempotent,
            "linger_ms": PRODUCER.linger_ms,
            "batch_size": PRODUCER.batch_bytes,
            "compression_type": None,
            "max_request_size": PRODUCER.max_request_bytes,  # what the platform's topics take
            "request_timeout_ms": PRODUCER.request_timeout_ms,
        }
        self._producer = KafkaProducer(**{**settings, **producer})

    def send(self, submission: Submission, *, event_id: str | None = None) -> FutureRecordMetadata:
        """To retry a send whose outcome is unknown, send it again with the same
        `event_id`: the platform applies each event id once."""
        record = signed_record(submission, self._signing_secret, event_id=event_id)
        return self._producer.send(
            submission.topic.name, value=record.value, key=record.key, headers=record.headers
        )

    def flush(self, timeout: float | None = None) -> None:
        self._producer.flush(timeout)

    def close(self) -> None:
        self._producer.close()
