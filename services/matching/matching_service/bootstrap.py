"""The one place that builds the matching service's parts."""

from __future__ import annotations

from fastapi import FastAPI

from matching_service.settings import MatchingSettings
from traintrack_shared.http import create_service_app
from traintrack_shared.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    # Only the shared tables (outbox, inbox) so far; its own schema comes with its issue.
    return create_service_app(
        service="matching",
        description="Matching service: firms, openings, subscriptions, rounds, internships.",
        settings=settings or MatchingSettings(),
        migrations=None,
        routers=[],
    )
