"""The settings every service has; each service subclasses with its own env prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_PASSWORD = "traintrack-dev"
RUN_DIR = Path(__file__).resolve().parents[2] / ".run"


class ServiceSettings(BaseSettings):
    """Read from `<SERVICE>_*` variables (the subclass sets the prefix)."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: str = "development"
    kafka_bootstrap: str = "127.0.0.1:9092"
    database_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    keyring_file: Path = RUN_DIR / "keyring.json"
    log_level: str = "INFO"
    db_pool_max: int = 10
    # The largest request body accepted (a 50,000-row attendance CSV is about 3 MB).
    max_request_bytes: int = 16 * 1024 * 1024
    state_dir: Path = RUN_DIR / "state"  # faust's local bookkeeping; nothing authoritative
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
        return self


def dev_database_url(database: str) -> str:
    return f"postgresql://traintrack:{DEV_PASSWORD}@127.0.0.1:55432/{database}"
