from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from traintrack.contracts.topics import consumers
from traintrack.platform.settings import ServiceSettings, dev_database_url


class OperationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OPERATIONS_", extra="ignore")

    database_url: str = dev_database_url("operations")
    http_port: int = 8005
    # Each consumer the topics declare (traintrack.contracts.topics) and its consumer group
    # as deployed: its own name (tests run theirs under other names).
    consumer_groups: dict[str, str] = Field(default_factory=lambda: {n: n for n in consumers()})
    service_urls: dict[str, str] = Field(
        default_factory=lambda: {
            name: f"http://127.0.0.1:{port}"
            for name, port in (
                ("enrollment", 8001),
                ("evaluation", 8002),
                ("matching", 8003),
                ("outcomes", 8004),
            )
        }
    )
    zipkin_url: str = "http://127.0.0.1:9411"
