from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from traintrack.platform.settings import RUN_DIR, ServiceSettings, dev_database_url


class EvaluationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EVALUATION_", extra="ignore")

    database_url: str = dev_database_url("evaluation")
    http_port: int = 8002
    consumer_name: str = "evaluation"
    # The keys that sign credentials, one PEM file each (adapters/keys.py); the first is
    # made on first use, `python -m traintrack.evaluation rotate-key` adds the next.
    signing_keys_dir: Path = RUN_DIR / "evaluation-signing-keys"
    # The single Ed25519 key of earlier versions: taken into signing_keys_dir (once, when
    # it exists) so that the credentials it signed keep verifying.
    signing_key_file: Path = RUN_DIR / "evaluation-signing-key.pem"
    public_url: str = "http://127.0.0.1:8002"
