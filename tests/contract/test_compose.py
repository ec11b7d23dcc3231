"""docker-compose.yml runs the same platform: checked by `docker compose config` where the
compose plugin exists, and by its structure everywhere."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not compose_available(), reason="no docker compose plugin on this machine")
def test_docker_compose_accepts_the_file():
    subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"], check=True
    )


@pytest.mark.parametrize(
    ("service", "port"),
    [
        ("enrollment", 8001),
        ("evaluation", 8002),
        ("matching", 8003),
        ("outcomes", 8004),
        ("operations", 8005),
    ],
)
def test_each_service_runs_on_its_port_with_its_own_database(service, port):
    definition = COMPOSE["services"][service]
    assert definition["ports"] == [f"{port}:{port}"]
    env = definition["environment"]
    prefix = service.upper()
    assert env[f"{prefix}_DATABASE_URL"].endswith(f"/{service}")
    assert env[f"{prefix}_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert (
        f"CREATE DATABASE {service};" in (ROOT / "infra/compose/create-databases.sql").read_text()
    )


def test_the_infrastructure_comes_from_official_images():
    images = {name: COMPOSE["services"][name]["image"] for name in ("kafka", "postgres", "zipkin")}
    assert images["kafka"].startswith("apache/kafka:4.")
    assert images["postgres"].startswith("postgres:")
    assert images["zipkin"].startswith("openzipkin/zipkin:")
