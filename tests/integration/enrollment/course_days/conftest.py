"""The enrollment app on a fresh database with a seeded cohort, its closing sweep left to
the tests: one per test module."""

import pytest

from tests.integration.enrollment.course_days.helpers import BASE
from tests.utils import catalogue
from tests.utils.apps import client_of, running_app
from tests.utils.keys import STANDARD, write_keyring
from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.settings import EnrollmentSettings


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    return write_keyring(path, STANDARD) | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    # The closing sweep runs when a test asks (close-due), not behind its back.
    async with running_app(
        create_app,
        EnrollmentSettings,
        platform,
        keys["file"],
        "enrollment",
        close_interval_seconds=3600,
    ) as app:
        async with client_of(app, "enrollment") as client:
            await catalogue.seed(
                client,
                operator_key=keys["operator"],
                institute_key=keys["institute"],
                institute_id="inst-a",
                cohort_id=BASE,
            )
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "enrollment") as client:
        yield client
