"""The settings every service has; each service subclasses with its own env prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from traintrack.platform.messaging.connection import (
    KafkaConnection,
    SaslMechanism,
    SecurityProtocol,
)

DEV_PASSWORD = "traintrack-dev"
RUN_DIR = Path(__file__).resolve().parents[2] / ".run"


class ServiceSettings(BaseSettings):
    """Read from `<SERVICE>_*` variables (the subclass sets the prefix)."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: str = "development"
    kafka_bootstrap: str = "127.0.0.1:9092"
    # PLAINTEXT is for development only; elsewhere SASL_SSL (or SSL, where the cluster
    # authenticates clients otherwise) with this service's principal, `svc-<service>`.
    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    kafka_username: str = ""
    kafka_password: str = ""
    kafka_password_file: Path | None = None  # read when KAFKA_PASSWORD is not set
    kafka_ca_file: str = ""  # the CA the brokers' certificates chain to; empty: the system's
    database_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    keyring_file: Path = RUN_DIR / "keyring.json"
    log_level: str = "INFO"
    db_pool_max: int = 10
    # The largest request body accepted (a 50,000-row attendance CSV is about 3 MB).
    max_request_bytes: int = 16 * 1024 * 1024
    state_dir: Path = RUN_DIR / "state"  # the workers' heartbeat files; nothing authoritative
    # Bounded tables (messaging/pruning.py says why these): sent outbox rows kept this long;
    # inbox claims kept this long and until the group committed past them (0: kept for ever).
    outbox_keep_sent_days: float = Field(default=7.0, ge=0)
    inbox_keep_days: float = Field(default=97.0, ge=0)
    prune_every_seconds: float = Field(default=3600.0, gt=0)

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> ServiceSettings:
        if self.environment != "development" and DEV_PASSWORD in self.database_url:
            raise ValueError(
                "the development database password is not allowed outside "
                "development; set the DATABASE_URL variable"
            )
        if self.environment != "development" and self.kafka_security_protocol == "PLAINTEXT":
            raise ValueError(
                "Kafka over PLAINTEXT is for development only; set KAFKA_SECURITY_PROTOCOL "
                "to SASL_SSL (with KAFKA_USERNAME and KAFKA_PASSWORD) or SSL"
            )
        _ = self.kafka  # a SASL_SSL connection without credentials is refused here, at start
        return self

    @property
    def kafka(self) -> KafkaConnection:
        password = self.kafka_password
        if not password and self.kafka_password_file is not None:
            password = self.kafka_password_file.read_text().strip()
        return KafkaConnection(
            self.kafka_bootstrap,
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_username,
            password=password,
            ca_file=self.kafka_ca_file,
        )


def dev_database_url(database: str) -> str:
    return f"postgresql://traintrack:{DEV_PASSWORD}@127.0.0.1:55432/{database}"
