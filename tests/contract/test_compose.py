"""docker-compose.yml runs the same platform as the dev stack: checked by `docker compose
config` where the compose plugin exists, and everywhere against the declarations it must
agree with (the services and their workers, the topics' replication, the demo loaders)."""

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from traintrack.demo.urls import PORTS as DEMO_SERVICES
from traintrack.devstack.services import SERVICES, WORKERS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
CONTAINERS = COMPOSE["services"]
ENV_FILES = {"single": ROOT / ".env", "cluster": ROOT / "infra/compose/cluster.env"}
# Addresses a browser follows (links in answers), so they name the host the user is on.
FOR_BROWSERS = {"EVALUATION_PUBLIC_URL", "OPERATIONS_ZIPKIN_URL"}


def env_file(profile: str) -> dict[str, str]:
    lines = ENV_FILES[profile].read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def resolved(value: object, variables: dict[str, str]) -> str:
    """A compose value with ${NAME:-default} filled in from an env file."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: variables.get(m[1], m[2]), str(value))


def compose_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not compose_available(), reason="no docker compose plugin on this machine")
@pytest.mark.parametrize("profile", sorted(ENV_FILES))
def test_docker_compose_accepts_the_file(profile):
    subprocess.run(
        ["docker", "compose", "--env-file", str(ENV_FILES[profile]), "config", "-q"],
        cwd=ROOT,
        check=True,
    )


@pytest.mark.parametrize(("service", "port"), sorted(SERVICES.items()))
def test_each_service_runs_on_its_port_with_its_database_and_a_readiness_check(service, port):
    api = CONTAINERS[service]
    prefix, env = service.upper(), api["environment"]
    assert api["ports"] == [f"{port}:{port}"]
    assert str(env[f"{prefix}_HTTP_PORT"]) == str(port)
    assert env[f"{prefix}_DATABASE_URL"].endswith(f"@postgres:5432/{service}")
    assert env[f"{prefix}_KAFKA_BOOTSTRAP"] == "${TRAINTRACK_COMPOSE_KAFKA:-kafka:9092}"
    assert f"http://localhost:{port}/readyz" in " ".join(api["healthcheck"]["test"])
    assert api["depends_on"] == {"setup": {"condition": "service_completed_successfully"}}
    sql = (ROOT / "infra/compose/create-databases.sql").read_text()
    assert f"CREATE DATABASE {service};" in sql


@pytest.mark.parametrize("service", WORKERS)
def test_each_worker_shares_its_services_settings_and_proves_its_loop_turns(service):
    worker = CONTAINERS[f"{service}-worker"]
    assert worker["command"] == ["python", "-m", f"traintrack.{service}", "worker"]
    assert worker["environment"] == CONTAINERS[service]["environment"]
    check = " ".join(worker["healthcheck"]["test"])
    assert f"/var/lib/traintrack/state/{service}/heartbeat" in check
    assert set(CONTAINERS) >= {service, f"{service}-worker"}


def test_only_the_declared_services_and_infrastructure_run():
    ours = {*SERVICES, *(f"{w}-worker" for w in WORKERS)}
    infra = {"kafka", "kafka-1", "kafka-2", "kafka-3", "postgres", "zipkin", "setup", "demo"}
    assert set(CONTAINERS) == ours | infra


def test_every_volume_used_is_declared_and_kafka_and_postgres_keep_their_data():
    used = {
        mount.split(":")[0]
        for container in CONTAINERS.values()
        for mount in container.get("volumes", [])
        if not mount.startswith(".")
    }
    assert used == set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in CONTAINERS["postgres"]["volumes"]
    for node, volume in (
        ("kafka", "kafkadata"),
        *((f"kafka-{i}", f"kafka{i}data") for i in (1, 2, 3)),
    ):
        assert CONTAINERS[node]["volumes"] == [f"{volume}:/var/lib/kafka/data"]
        assert CONTAINERS[node]["environment"]["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"


def test_one_node_holds_one_replica_of_everything():
    kafka, variables = CONTAINERS["kafka"], env_file("single")
    assert kafka["profiles"] == ["single"] and variables["COMPOSE_PROFILES"] == "single"
    env = kafka["environment"]
    for name in ("OFFSETS_TOPIC", "TRANSACTION_STATE_LOG", "SHARE_COORDINATOR_STATE_TOPIC"):
        assert env[f"KAFKA_{name}_REPLICATION_FACTOR"] == 1
    assert variables["TRAINTRACK_COMPOSE_KAFKA"] == "kafka:9092"
    assert variables["TRAINTRACK_KAFKA_REPLICATION_FACTOR"] == "1"
    assert variables["TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"] == "1"


def test_the_cluster_profile_is_three_voters_holding_three_replicas_two_in_sync():
    variables = env_file("cluster")
    assert variables["COMPOSE_PROFILES"] == "cluster"
    nodes = [CONTAINERS[f"kafka-{i}"] for i in (1, 2, 3)]
    assert [n["profiles"] for n in nodes] == [["cluster"]] * 3
    assert [n["environment"]["KAFKA_NODE_ID"] for n in nodes] == [1, 2, 3]
    for i, node in enumerate(nodes, start=1):
        env = node["environment"]
        assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == (
            "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"
        )
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://kafka-{i}:9092"
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 3
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == 2
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == 2
    assert variables["TRAINTRACK_COMPOSE_KAFKA"] == "kafka-1:9092,kafka-2:9092,kafka-3:9092"
    assert variables["TRAINTRACK_KAFKA_REPLICATION_FACTOR"] == "3"
    assert variables["TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"] == "2"


@pytest.mark.parametrize("profile", sorted(ENV_FILES))
def test_topics_are_made_with_the_replication_the_profile_holds(profile):
    setup, variables = CONTAINERS["setup"], env_file(profile)
    command = resolved(" ".join(setup["command"]), variables)
    assert f"devtools create-topics {variables['TRAINTRACK_COMPOSE_KAFKA']} " in command
    for container in ("setup", *SERVICES):
        env = CONTAINERS[container]["environment"]
        assert (
            resolved(env["TRAINTRACK_KAFKA_REPLICATION_FACTOR"], variables)
            == (variables["TRAINTRACK_KAFKA_REPLICATION_FACTOR"])
        )
        assert (
            resolved(env["TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"], variables)
            == (variables["TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS"])
        )
    waits = setup["depends_on"]
    assert {n: waits[n]["required"] for n in ("kafka", "kafka-1", "kafka-2", "kafka-3")} == {
        "kafka": False,
        "kafka-1": False,
        "kafka-2": False,
        "kafka-3": False,
    }


def test_no_service_is_told_to_find_another_on_its_own_loopback():
    for name, container in CONTAINERS.items():
        for key, value in (container.get("environment") or {}).items():
            if key not in FOR_BROWSERS:
                assert not re.search(r"127\.0\.0\.1|localhost", str(value)), (name, key)
    assert "127.0.0.1" not in (ROOT / "docker-compose.yml").read_text()


def test_the_demo_loads_once_everything_is_healthy_through_the_services_names():
    demo = CONTAINERS["demo"]
    assert demo["depends_on"] == {
        **{s: {"condition": "service_healthy"} for s in SERVICES},
        **{f"{w}-worker": {"condition": "service_healthy"} for w in WORKERS},
    }
    for service, port in DEMO_SERVICES.items():
        assert demo["environment"][f"TRAINTRACK_{service.upper()}_URL"] == (
            f"http://{service}:{port}"
        )
    assert "devtools demo-data /var/lib/traintrack/credentials.json" in " ".join(demo["command"])


def test_the_tools_package_ships_the_learning_factory_list(tmp_path):
    uv = ROOT / ".run/uv/bin/uv"
    if not uv.exists():
        pytest.skip("uv is installed by `make setup`")
    subprocess.run(
        [str(uv), "build", "-q", "--wheel", str(ROOT / "tools"), "-o", str(tmp_path)],
        check=True,
    )
    [wheel] = tmp_path.glob("traintrack_tools-*.whl")
    assert "traintrack/demo/data/learning_factories.csv" in zipfile.ZipFile(wheel).namelist()
