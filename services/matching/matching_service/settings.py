from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from traintrack_shared.settings import ServiceSettings, dev_database_url


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    database_url: str = dev_database_url("matching")
    http_port: int = 8003
