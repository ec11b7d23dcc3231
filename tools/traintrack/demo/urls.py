"""Where the demo loaders find the services: the local dev stack's addresses, unless
TRAINTRACK_<SERVICE>_URL names another (docker compose: http://enrollment:8001 and so on)."""

from __future__ import annotations

import os

PORTS = {"enrollment": 8001, "evaluation": 8002, "matching": 8003, "outcomes": 8004}


def service_url(service: str) -> str:
    default = f"http://127.0.0.1:{PORTS[service]}"
    return os.environ.get(f"TRAINTRACK_{service.upper()}_URL", default).rstrip("/")


ENROLLMENT_URL = service_url("enrollment")
EVALUATION_URL = service_url("evaluation")
MATCHING_URL = service_url("matching")
OUTCOMES_URL = service_url("outcomes")
