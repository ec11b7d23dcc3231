"""The enrollment app on a fresh database, its catalogue seeded: one per test module."""

import httpx
import pytest

from tests.integration.enrollment.api.helpers import (
    COHORT,
    OTHER_COHORT,
    SMALL_COHORT,
    SURVEY_COHORT,
)
from tests.utils import catalogue
from tests.utils.keys import STANDARD, write_keyring
from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.settings import EnrollmentSettings


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    return write_keyring(path, STANDARD) | {"file": path}


@pytest.fixture(scope="module")
async def app(platform, keys):
    settings = EnrollmentSettings(
        database_url=await platform.fresh_database("enrollment"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://enrollment"
        ) as client:
            for institute, cohort, capacity in (
                ("inst-a", COHORT, 30),
                ("inst-a", SMALL_COHORT, 2),
                ("inst-a", SURVEY_COHORT, 30),
                ("inst-b", OTHER_COHORT, 30),
            ):
                who = "institute" if institute == "inst-a" else "other_institute"
                await catalogue.seed(
                    client,
                    operator_key=keys["operator"],
                    institute_key=keys[who],
                    institute_id=institute,
                    cohort_id=cohort,
                    capacity=capacity,
                )
        yield app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://enrollment"
    ) as client:
        yield client
