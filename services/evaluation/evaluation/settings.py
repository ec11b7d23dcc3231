from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from traintrack_shared.settings import ServiceSettings, dev_database_url


class EvaluationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EVALUATION_", extra="ignore")

    database_url: str = dev_database_url("evaluation")
    http_port: int = 8002
