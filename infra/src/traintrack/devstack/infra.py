"""Kafka (KRaft: one node, or TRAINTRACK_KAFKA_NODES=3), a private PostgreSQL cluster and
Zipkin as local processes under .run/; each is started only when it does not run yet.

Set TRAINTRACK_KAFKA_BOOTSTRAP, TRAINTRACK_PG_URL and/or TRAINTRACK_ZIPKIN_URL to use an
existing one instead (nothing local is started for it then).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from traintrack.devstack import install
from traintrack.devstack.kafka import ADMIN, MAX_NODES, KafkaNodes
from traintrack.devstack.pidfiles import PidFiles
from traintrack.devstack.processes import ROOT, SetupError, http_ok, log, port_open
from traintrack.devstack.processes import wait_until as _wait

RUN = ROOT / ".run"
PIDS = PidFiles(RUN / "pids", RUN / "logs")

KAFKA_PORT = int(os.environ.get("TRAINTRACK_KAFKA_PORT", "9092"))
# A private cluster beside any system PostgreSQL that may already hold 5432.
PG_PORT = int(os.environ.get("TRAINTRACK_PG_PORT", "55432"))
ZIPKIN_PORT = int(os.environ.get("TRAINTRACK_ZIPKIN_PORT", "9411"))
PG_USER = "traintrack"
PG_PASSWORD = "traintrack-dev"  # local development cluster only, bound to 127.0.0.1
KAFKA = KafkaNodes(
    RUN / "kafka",
    PIDS,
    count=int(os.environ.get("TRAINTRACK_KAFKA_NODES", "1")),
    port=KAFKA_PORT,
    security=os.environ.get("TRAINTRACK_KAFKA_SECURITY", "plaintext"),
)
# The order `down` stops them in (every Kafka layout: a cluster started earlier goes too).
PARTS = ("zipkin", "kafka", *(f"kafka-{i}" for i in range(1, MAX_NODES + 1)), "postgres")


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    pg_url: str  # without database name: postgresql://user:pw@host:port
    zipkin_url: str
    # How to reach a secured local Kafka (TRAINTRACK_KAFKA_SECURITY=sasl_ssl) as its admin.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_ca_file: str = ""
    kafka_admin_user: str = ""
    kafka_admin_password_file: str = ""

    def database_url(self, database: str) -> str:
        return f"{self.pg_url}/{database}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def infra_up() -> Endpoints:
    """Kafka, PostgreSQL and Zipkin, started where no existing one is named."""
    kafka = os.environ.get("TRAINTRACK_KAFKA_BOOTSTRAP")
    pg = os.environ.get("TRAINTRACK_PG_URL")
    zipkin = os.environ.get("TRAINTRACK_ZIPKIN_URL")
    if not kafka:
        KAFKA.start()
        kafka = KAFKA.bootstrap
        # The topics (and whatever this process starts: it inherits the environment) are
        # declared with the replication these brokers can hold, by configuration.
        replicas, min_insync = KAFKA.replication
        os.environ.setdefault("TRAINTRACK_KAFKA_REPLICATION_FACTOR", str(replicas))
        os.environ.setdefault("TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS", str(min_insync))
    if not pg:
        start_postgres()
        pg = f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{PG_PORT}"
    if not zipkin:
        start_zipkin()
        zipkin = f"http://127.0.0.1:{ZIPKIN_PORT}"
    if os.environ.get("TRAINTRACK_KAFKA_BOOTSTRAP") or not KAFKA.secured:
        return Endpoints(kafka, pg.rstrip("/"), zipkin)
    return Endpoints(
        kafka,
        pg.rstrip("/"),
        zipkin,
        "SASL_SSL",
        str(KAFKA.ca_file),
        ADMIN,
        str(KAFKA.password_file(ADMIN)),
    )


def _already(name: str, port: int, hint: str) -> bool:
    if PIDS.alive(name) and port_open(port):
        log(f"{name} already running on {port}")
        return True
    if port_open(port):
        raise SetupError(
            f"port {port} is taken by a process this runner did not start; stop it or {hint}"
        )
    return False


def start_zipkin() -> None:
    if http_ok(f"http://127.0.0.1:{ZIPKIN_PORT}/health"):
        log(f"zipkin already running on {ZIPKIN_PORT}")
        return
    install.jars()
    log(f"starting zipkin on {ZIPKIN_PORT}")
    PIDS.start(
        "zipkin",
        ["java", "-Xmx1536m", "-jar", str(install.ZIPKIN_JAR)],
        # In memory, the oldest spans dropped first: a chaos or bench run sends hundreds of
        # thousands, and 300,000 of ours overflowed a 1 GB heap ("Java heap space").
        env={"QUERY_PORT": str(ZIPKIN_PORT), "STORAGE_TYPE": "mem", "MEM_MAX_SPANS": "150000"},
    )
    health = f"http://127.0.0.1:{ZIPKIN_PORT}/health"
    _wait("Zipkin", lambda: http_ok(health), 120, PIDS.log_of("zipkin"))


def start_postgres() -> None:
    hint = "set TRAINTRACK_PG_PORT, or set TRAINTRACK_PG_URL to use it"
    if _already("postgres", PG_PORT, hint):
        return
    bin_dir = install.postgres_bin()
    # PostgreSQL refuses to run as root; run it as `postgres` then.
    user = "postgres" if os.geteuid() == 0 else None
    home, data, sockets = RUN / "pg", RUN / "pg" / "data", RUN / "pg" / "socket"
    sockets.mkdir(parents=True, exist_ok=True)
    if user:
        shutil.chown(home, user)
        shutil.chown(sockets, user)
    if not (data / "PG_VERSION").exists():
        _initdb(bin_dir, user)
    log(f"starting postgres on {PG_PORT}")
    server = [str(bin_dir / "postgres"), "-D", str(data), "-p", str(PG_PORT), "-k", str(sockets)]
    settings = ["listen_addresses=127.0.0.1", "max_connections=300", "fsync=on"]
    PIDS.start("postgres", [*server, *(a for s in settings for a in ("-c", s))], user=user)
    ready = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)]
    _wait(
        "PostgreSQL",
        lambda: subprocess.run(ready, check=False).returncode == 0,
        60,
        PIDS.log_of("postgres"),
    )


def _initdb(bin_dir: Path, user: str | None) -> None:
    log("initialising a private PostgreSQL cluster in .run/pg")
    pwfile = RUN / "pg" / "pwfile"
    pwfile.write_text(PG_PASSWORD + "\n")
    if user:
        shutil.chown(pwfile, user)
    as_user = ["runuser", "-u", user, "--"] if user else []
    initdb = [*as_user, f"{bin_dir}/initdb", "-D", str(RUN / "pg" / "data"), "-U", PG_USER]
    options = ["--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"]
    install.run([*initdb, "--pwfile", str(pwfile), *options], quiet=True)
    pwfile.unlink()
