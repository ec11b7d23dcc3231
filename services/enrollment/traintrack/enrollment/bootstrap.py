"""The one place that builds the enrollment service's parts."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from traintrack.enrollment import closing, handlers
from traintrack.enrollment.api import catalogue, enrollments, imports, trainees
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or EnrollmentSettings()
    assert isinstance(settings, EnrollmentSettings)

    async def close_due_enrollments(pool: asyncpg.Pool) -> None:
        while True:
            try:
                await closing.close_due(
                    pool, today=handlers.today(), grace_days=settings.completion_grace_days
                )
            except Exception:  # a background loop: it must outlive any one failure
                log.exception("closing enrollments failed; trying again")
            await asyncio.sleep(settings.close_interval_seconds)

    return create_service_app(
        service="enrollment",
        description="Institutes register trainees and enrollments. The only store of "
        "trainees' personal details; events carry pseudonymous ids only.",
        settings=settings,
        migrations=MIGRATIONS,
        routers=[catalogue.router, trainees.router, enrollments.router, imports.router],
        background=[close_due_enrollments],
    )
