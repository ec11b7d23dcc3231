"""The evaluation app on a fresh database, one per module, and a client of it."""

import pytest

from tests.utils.apps import client_of
from tests.utils.evaluation import evaluation_app


@pytest.fixture(scope="module")
async def app(platform, keys, tmp_path_factory):
    app = await evaluation_app(platform, keys, tmp_path_factory)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    async with client_of(app, "evaluation") as client:
        yield client
