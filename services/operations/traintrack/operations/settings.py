from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from traintrack.platform.settings import ServiceSettings, dev_database_url

# Which consumer group reads which topics (base names; the topic prefix applies).
CONSUMERS: dict[str, tuple[str, ...]] = {
    "enrollment": ("institute.submissions.v1",),
    "evaluation": ("enrollment.events.v1",),
    "matching": ("enrollment.events.v1", "evaluation.events.v1"),
    "outcomes": (
        "enrollment.events.v1",
        "evaluation.events.v1",
        "matching.events.v1",
        "outcomes.events.v1",
    ),
}


class OperationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OPERATIONS_", extra="ignore")

    database_url: str = dev_database_url("operations")
    http_port: int = 8005
    # Consumer group names as deployed (tests run theirs under other names).
    consumer_groups: dict[str, str] = Field(default_factory=lambda: {n: n for n in CONSUMERS})
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
