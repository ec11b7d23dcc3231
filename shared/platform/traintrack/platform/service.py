"""`python -m traintrack.<service> api|worker`: one process kind per invocation."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from traintrack.contracts.topics import used_by
from traintrack.platform.messaging import admin
from traintrack.platform.messaging.streams import StreamApp, wait_for_kafka
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.telemetry import configure_logging, setup_tracing


def run(
    service: str,
    settings: ServiceSettings,
    *,
    api: Callable[[ServiceSettings], FastAPI],
    worker: Callable[[ServiceSettings], StreamApp] | None = None,
) -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else "api"
    setup_tracing(service)
    configure_logging(settings.log_level)
    if kind == "api":
        uvicorn.run(
            api(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            access_log=False,
        )
    elif kind == "worker" and worker is not None:
        # A worker started during a broker restart waits for it.
        asyncio.run(wait_for_kafka(settings.kafka))
        try:
            admin.verify_topics(settings.kafka, used_by(service))
        except admin.TopicsRefused as refused:
            sys.exit(f"{service} worker: not starting: {refused}")
        worker(settings).main()
    else:
        sys.exit(f"usage: python -m traintrack.{service} api" + (" | worker" if worker else ""))
