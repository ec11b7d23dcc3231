from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from traintrack.platform.settings import ServiceSettings, dev_database_url


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    database_url: str = dev_database_url("matching")
    http_port: int = 8003
    consumer_name: str = "matching"
    # Webhooks: plain http only in development (a firm's local receiver); https elsewhere.
    webhook_timeout_seconds: float = 10.0
    webhook_batch: int = 100
    webhook_max_backoff_seconds: float = 3600.0
    # How often the API looks for webhooks to call and offers to expire.
    dispatch_interval_seconds: float = 0.5
    expiry_interval_seconds: float = 30.0
