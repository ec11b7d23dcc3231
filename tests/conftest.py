"""Where the real parts come from: an existing cluster named by environment variables,
testcontainers where a Docker engine answers, or the dev stack's local processes
(traintrack.devstack).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.utils.platform import Platform, local_platform

# The suite's events live in their own topics, apart from any platform running beside it
# on the same broker (processes started by the tests inherit this).
os.environ.setdefault("TRAINTRACK_TOPIC_PREFIX", "test.")


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


def _from_environment() -> Platform | None:
    kafka, pg = os.environ.get("TRAINTRACK_KAFKA_BOOTSTRAP"), os.environ.get("TRAINTRACK_PG_URL")
    if not (kafka and pg):
        return None
    zipkin = os.environ.get("TRAINTRACK_ZIPKIN_URL", "http://127.0.0.1:9411")
    return Platform(kafka, pg.rstrip("/"), zipkin)


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    found = _from_environment()
    if found:
        found.ensure_topics()
        yield found
    elif os.environ.get("TRAINTRACK_TEST_INFRA") != "local" and _docker_answers():
        from tests.utils.containers import containers

        with containers() as started:
            yield started
    else:
        yield local_platform()
