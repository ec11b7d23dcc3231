"""How every Kafka client of the platform reaches the cluster: the bootstrap servers and the
security around them (PLAINTEXT in development; SASL/SCRAM over TLS anywhere else), turned
into each client library's own keyword arguments in this one place."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka.helpers import create_ssl_context

SecurityProtocol = Literal["PLAINTEXT", "SASL_SSL", "SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]


@dataclass(frozen=True)
class KafkaConnection:
    bootstrap: str
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    username: str = ""
    password: str = ""
    ca_file: str = ""  # empty: the system's trusted authorities

    def __post_init__(self) -> None:
        if self.security_protocol == "SASL_SSL" and not (self.username and self.password):
            raise ValueError("SASL_SSL needs a username and a password")

    def __repr__(self) -> str:  # never the password, in a log line or a traceback
        return (
            f"KafkaConnection({self.bootstrap!r}, {self.security_protocol}, "
            f"user={self.username or '-'})"
        )

    @classmethod
    def plaintext(cls, bootstrap: str) -> KafkaConnection:
        return cls(bootstrap)

    @property
    def servers(self) -> list[str]:
        return [server.strip() for server in self.bootstrap.split(",") if server.strip()]

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.security_protocol == "PLAINTEXT":
            return None
        context: ssl.SSLContext = create_ssl_context(cafile=self.ca_file or None)
        return context

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for an aiokafka producer, consumer or client."""
        found: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.security_protocol,
        }
        if self.security_protocol != "PLAINTEXT":
            found["ssl_context"] = self.ssl_context()
        if self.security_protocol == "SASL_SSL":
            found |= self._sasl()
        return found

    def kafka_python(self) -> dict[str, Any]:
        """Keyword arguments for a kafka-python producer, consumer or admin client."""
        found: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.security_protocol,
        }
        if self.security_protocol != "PLAINTEXT" and self.ca_file:
            found["ssl_cafile"] = self.ca_file
        if self.security_protocol == "SASL_SSL":
            found |= self._sasl()
        return found

    def _sasl(self) -> dict[str, Any]:
        return {
            "sasl_mechanism": self.sasl_mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }
