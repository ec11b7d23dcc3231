"""The one place that builds the enrollment service's parts."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from enrollment.api import catalogue, enrollments, trainees
from enrollment.settings import EnrollmentSettings
from traintrack_shared.http import create_service_app
from traintrack_shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_service_app(
        service="enrollment",
        description="Institutes register trainees and enrollments. The only store of "
        "trainees' personal details; events carry pseudonymous ids only.",
        settings=settings or EnrollmentSettings(),
        migrations=MIGRATIONS,
        routers=[catalogue.router, trainees.router, enrollments.router],
    )
