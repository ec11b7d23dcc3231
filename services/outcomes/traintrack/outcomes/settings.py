from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from traintrack.platform.settings import ServiceSettings, dev_database_url


class OutcomesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OUTCOMES_", extra="ignore")

    database_url: str = dev_database_url("outcomes")
    http_port: int = 8004
    consumer_name: str = "outcomes"
