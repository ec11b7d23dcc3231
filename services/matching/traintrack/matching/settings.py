from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from traintrack.platform.settings import ServiceSettings, dev_database_url

# The platform's own services in development; elsewhere set MATCHING_PLATFORM_URLS to their
# public URLs (a webhook may never point at them).
DEV_PLATFORM_URLS = ",".join(f"http://127.0.0.1:{port}" for port in range(8001, 8006))


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    database_url: str = dev_database_url("matching")
    http_port: int = 8003
    consumer_name: str = "matching"
    # Webhooks: plain http only in development (a firm's local receiver); https elsewhere.
    webhook_timeout_seconds: float = 10.0  # the whole call: resolving, connecting, answer
    webhook_connect_timeout_seconds: float = 3.0
    webhook_resolve_timeout_seconds: float = 5.0
    webhook_max_response_bytes: int = 64 * 1024  # read at most this much of an answer
    webhook_batch: int = 100
    webhook_max_backoff_seconds: float = 3600.0
    webhook_secret_grace_hours: float = 24.0  # after a rotation both secrets sign this long
    # Comma-separated `host:port` origins let through the inward-address check, in
    # development only (a receiver on the developer's machine), e.g. `127.0.0.1:8123`.
    webhook_allowed_hosts: str = ""
    # Comma-separated URLs of the platform's own services, never called (a URL covers its
    # host and port; a bare host, every port of it; by name and by address).
    platform_urls: str = DEV_PLATFORM_URLS
    # How often the API looks for webhooks to call and offers to expire.
    dispatch_interval_seconds: float = 0.5
    expiry_interval_seconds: float = 30.0
    # A round listing more (candidate, opening) pairs than this is solved by the background
    # loop, not inside the request (50,000 candidates x 5 choices take about 4 s in one).
    round_background_pairs: int = 300_000
    round_solver_interval_seconds: float = 2.0  # how often the loop looks for queued rounds

    @model_validator(mode="after")
    def _allow_list_in_development_only(self) -> MatchingSettings:
        if self.environment != "development" and self.webhook_allowed_hosts.strip():
            raise ValueError("MATCHING_WEBHOOK_ALLOWED_HOSTS is for development only")
        if self.environment != "development" and self.platform_urls == DEV_PLATFORM_URLS:
            # Left at the development addresses, the real operator API would be callable.
            raise ValueError("set MATCHING_PLATFORM_URLS to the platform's own public URLs")
        return self


def entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]
