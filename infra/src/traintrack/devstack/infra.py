"""Kafka (KRaft, one node), a private PostgreSQL cluster and Zipkin as local processes
under .run/; each is started only when it does not run yet.

Set TRAINTRACK_KAFKA_BOOTSTRAP, TRAINTRACK_PG_URL and/or TRAINTRACK_ZIPKIN_URL to use an
existing one instead (nothing local is started for it then).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from traintrack.devstack import install
from traintrack.devstack.pidfiles import PidFiles
from traintrack.devstack.processes import ROOT, SetupError, http_ok, log, port_open
from traintrack.devstack.processes import wait_until as _wait

RUN = ROOT / ".run"
PIDS = PidFiles(RUN / "pids", RUN / "logs")

KAFKA_PORT = int(os.environ.get("TRAINTRACK_KAFKA_PORT", "9092"))
CONTROLLER_PORT = int(os.environ.get("TRAINTRACK_KAFKA_CONTROLLER_PORT", "9093"))
# A private cluster beside any system PostgreSQL that may already hold 5432.
PG_PORT = int(os.environ.get("TRAINTRACK_PG_PORT", "55432"))
ZIPKIN_PORT = int(os.environ.get("TRAINTRACK_ZIPKIN_PORT", "9411"))
PG_USER = "traintrack"
PG_PASSWORD = "traintrack-dev"  # local development cluster only, bound to 127.0.0.1
PARTS = ("zipkin", "kafka", "postgres")  # the order `down` stops them in

KAFKA_PROPERTIES = """process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:{controller}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={data}
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=-1
# = traintrack.contracts.topics.MAX_MESSAGE_BYTES, Kafka's default, said aloud (a test checks)
message.max.bytes=1048588
"""


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    pg_url: str  # without database name: postgresql://user:pw@host:port
    zipkin_url: str

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
        start_kafka()
        kafka = f"127.0.0.1:{KAFKA_PORT}"
        # One broker holds one replica: the topics (and whatever this process starts, which
        # inherits the environment) are declared so, by configuration.
        os.environ.setdefault("TRAINTRACK_KAFKA_REPLICATION_FACTOR", "1")
        os.environ.setdefault("TRAINTRACK_KAFKA_MIN_INSYNC_REPLICAS", "1")
    if not pg:
        start_postgres()
        pg = f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{PG_PORT}"
    if not zipkin:
        start_zipkin()
        zipkin = f"http://127.0.0.1:{ZIPKIN_PORT}"
    return Endpoints(kafka, pg.rstrip("/"), zipkin)


def _already(name: str, port: int, hint: str) -> bool:
    if PIDS.alive(name) and port_open(port):
        log(f"{name} already running on {port}")
        return True
    if port_open(port):
        raise SetupError(
            f"port {port} is taken by a process this runner did not start; stop it or {hint}"
        )
    return False


def start_kafka() -> None:
    if _already("kafka", KAFKA_PORT, "set TRAINTRACK_KAFKA_BOOTSTRAP to use it"):
        return
    install.jars()
    home = RUN / "kafka"
    home.mkdir(parents=True, exist_ok=True)
    props = home / "server.properties"
    props.write_text(
        KAFKA_PROPERTIES.format(port=KAFKA_PORT, controller=CONTROLLER_PORT, data=home / "data")
    )
    java = [
        *("java", "-Xms256m", "-Xmx768m", "-XX:+UseG1GC"),
        f"-Dlog4j2.configurationFile={ROOT / 'infra/kafka/log4j2.yaml'}",
        *("-cp", install.KAFKA_CLASSPATH),
    ]
    if not (home / "data" / "meta.properties").exists():
        log("formatting Kafka storage (KRaft, standalone)")
        cluster_id = uuid.uuid4().hex[:22]
        storage = ["kafka.tools.StorageTool", "format", "--standalone", "-t", cluster_id]
        install.run([*java, *storage, "-c", str(props)], quiet=True)
    log(f"starting kafka on {KAFKA_PORT}")
    PIDS.start("kafka", [*java, "kafka.Kafka", str(props)])
    _wait("Kafka", lambda: port_open(KAFKA_PORT), 90, PIDS.log_of("kafka"))


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
