from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from traintrack_shared.settings import ServiceSettings, dev_database_url


class EnrollmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENROLLMENT_", extra="ignore")

    database_url: str = dev_database_url("enrollment")
    http_port: int = 8001
    consumer_name: str = "enrollment"
    batch_size: int = 500  # submissions applied per transaction (attendance set-wise)
