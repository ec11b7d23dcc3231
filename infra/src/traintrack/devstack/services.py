"""The five services as detached processes on the local infra, and the chores around
them, which the tools package does (`python -m traintrack.demo.devtools`): databases,
topics, demo keys, demo data."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from traintrack.devstack import install
from traintrack.devstack.infra import PG_PASSWORD, PIDS, RUN, Endpoints
from traintrack.devstack.processes import http_ok, log, port_open, wait_until

SERVICES = {
    "enrollment": 8001,
    "evaluation": 8002,
    "matching": 8003,
    "outcomes": 8004,
    "operations": 8005,
}
# Services with a stream worker.
WORKERS = ("enrollment", "evaluation", "matching", "outcomes")
PROCESSES = [f"{s}-{kind}" for s in SERVICES for kind in ("worker", "api")]
CREDENTIALS = RUN / "credentials.json"
KEYRING = RUN / "keyring.json"
# Institutes' Kafka signing secrets derive from it; the enrollment service alone reads it.
SIGNING_MASTER = RUN / "submission-signing-master"
# Each Kafka principal's password (devtools kafka-security makes them on a secured Kafka).
KAFKA_USERS = RUN / "kafka" / "users"
OPERATOR = "traintrack-operator"


def devtools(*args: str) -> None:
    """A chore of the tools package, run by this interpreter (the virtualenv's)."""
    install.run([sys.executable, "-m", "traintrack.demo.devtools", *args])


def ensure_topics(endpoints: Endpoints) -> None:
    """The declared topics; on a secured Kafka also its users and ACLs (as its admin)."""
    devtools("create-topics", endpoints.kafka_bootstrap, *_as_admin(endpoints))
    if endpoints.kafka_security_protocol != "PLAINTEXT":
        users = ("--users-dir", str(KAFKA_USERS))
        devtools("kafka-security", endpoints.kafka_bootstrap, *users, *_as_admin(endpoints))


def _as_admin(endpoints: Endpoints) -> list[str]:
    if endpoints.kafka_security_protocol == "PLAINTEXT":
        return []
    return [
        *("--security-protocol", endpoints.kafka_security_protocol),
        *("--username", endpoints.kafka_admin_user),
        *("--password-file", endpoints.kafka_admin_password_file),
        *("--ca-file", endpoints.kafka_ca_file),
    ]


def kafka_principal(name: str) -> str:
    """The Kafka user a service connects as (the operations service is the operators')."""
    return OPERATOR if name == "operations" else f"svc-{name}"


def kafka_env(name: str, endpoints: Endpoints) -> dict[str, str]:
    """How the service connects to a secured Kafka: its own user, password file and the CA."""
    if endpoints.kafka_security_protocol == "PLAINTEXT":
        return {}
    prefix, user = name.upper(), kafka_principal(name)
    return {
        f"{prefix}_KAFKA_SECURITY_PROTOCOL": endpoints.kafka_security_protocol,
        f"{prefix}_KAFKA_USERNAME": user,
        f"{prefix}_KAFKA_PASSWORD_FILE": str(KAFKA_USERS / f"{user}.password"),
        f"{prefix}_KAFKA_CA_FILE": endpoints.kafka_ca_file,
    }


def service_env(name: str, endpoints: Endpoints) -> dict[str, str]:
    prefix = name.upper()
    return {
        f"{prefix}_KAFKA_BOOTSTRAP": endpoints.kafka_bootstrap,
        **kafka_env(name, endpoints),
        f"{prefix}_DATABASE_URL": endpoints.database_url(name),
        f"{prefix}_HTTP_PORT": str(SERVICES[name]),
        f"{prefix}_KEYRING_FILE": str(KEYRING),
        **(
            {"ENROLLMENT_SUBMISSION_SIGNING_MASTER_FILE": str(SIGNING_MASTER)}
            if name == "enrollment"
            else {}
        ),
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"{endpoints.zipkin_url}/api/v2/spans",
        "PYTHONUNBUFFERED": "1",
    }


def start_services(endpoints: Endpoints) -> None:
    """Each service's API (and worker), started unless it runs; back once all are ready."""
    devtools("create-databases", endpoints.pg_url, *SERVICES)
    # Keys issued before signing secrets existed (no master yet) are issued anew.
    if not (CREDENTIALS.exists() and KEYRING.exists() and SIGNING_MASTER.exists()):
        devtools("demo-keys", str(CREDENTIALS), str(KEYRING), str(SIGNING_MASTER))
    for name, port in SERVICES.items():
        env = service_env(name, endpoints)
        for kind in ("api", "worker") if name in WORKERS else ("api",):
            running = PIDS.alive(f"{name}-{kind}") and (kind == "worker" or port_open(port))
            if not running:
                log(f"starting {name} {kind}" + (f" on {port}" if kind == "api" else ""))
                argv = [sys.executable, "-m", f"traintrack.{name}", kind]
                PIDS.start(f"{name}-{kind}", argv, env=env)
    for name, port in SERVICES.items():
        api = partial(http_ok, f"http://127.0.0.1:{port}/readyz")
        wait_until(f"{name} service", api, 90, PIDS.log_of(f"{name}-api"))
    for name in WORKERS:
        worker = f"{name}-worker"
        wait_until(
            f"{name} worker",
            partial(_says_ready, PIDS.log_of(worker)),
            90,
            PIDS.log_of(worker),
            alive=partial(_runs, worker),
        )


# What a worker logs once it has joined its consumer group (the platform's
# `streams.READY`; the dev stack cannot import it: it runs before the virtualenv exists).
WORKER_READY = "worker ready"


def _says_ready(log_file: Path) -> bool:
    return log_file.exists() and f": {WORKER_READY}" in log_file.read_text(errors="replace")


def _runs(name: str) -> bool:
    return PIDS.alive(name) is not None


def load_demo() -> None:
    devtools("demo-data", str(CREDENTIALS))
    devtools("outcome-report", str(CREDENTIALS))


def urls(endpoints: Endpoints) -> str:
    lines = ["", "traintrack is up:"]
    lines += [f"  {n:<11} http://127.0.0.1:{p}/docs" for n, p in SERVICES.items()]
    lines += [
        f"  dashboard   http://127.0.0.1:{SERVICES['outcomes']}/dashboard  (?lang=en)",
        f"  zipkin      {endpoints.zipkin_url}/zipkin/",
        f"  kafka       {endpoints.kafka_bootstrap}",
        f"  postgres    {endpoints.pg_url.replace(PG_PASSWORD, '***')}",
        f"  credentials {CREDENTIALS}",
        "",
    ]
    return "\n".join(lines)
