from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from traintrack.platform.settings import RUN_DIR, ServiceSettings, dev_database_url


class EnrollmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENROLLMENT_", extra="ignore")

    database_url: str = dev_database_url("enrollment")
    http_port: int = 8001
    consumer_name: str = "enrollment"
    # The secret institutes' signing secrets are derived from (never in the keyring);
    # created on first start in development only.
    submission_signing_master_file: Path = RUN_DIR / "submission-signing-master"
    batch_size: int = 500  # submissions applied per transaction (attendance set-wise)
    # Warn (attendance-at-risk, level "warning") once the best possible rate of a month or
    # the course falls below this, while 80 % is still in reach.
    at_risk_warning_rate: float = Field(default=0.85, ge=0.8, le=1.0)
    # Days after a cohort's last day that late attendance, completion and drop-out are
    # still taken; then every enrollment still in training is closed.
    completion_grace_days: int = Field(default=7, ge=0, le=90)
    close_interval_seconds: float = Field(default=30.0, gt=0)

    @property
    def warn_below(self) -> Fraction:
        # From the decimal as written: Fraction(0.85) would be a hair under 85 %.
        return Fraction(str(self.at_risk_warning_rate))
