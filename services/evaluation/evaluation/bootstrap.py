"""The one place that builds the evaluation service's parts."""

from __future__ import annotations

from fastapi import FastAPI

from evaluation.settings import EvaluationSettings
from traintrack_shared.http import create_service_app
from traintrack_shared.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    # Only the shared tables (outbox, inbox) so far; its own schema comes with its issue.
    return create_service_app(
        service="evaluation",
        description="Evaluation service: the 4-stage project certification and credentials.",
        settings=settings or EvaluationSettings(),
        migrations=None,
        routers=[],
    )
