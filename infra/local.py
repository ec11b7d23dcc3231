"""Run the real platform as plain processes under .run/ (no Docker engine needed).

Standard library only, so it works before the virtualenv exists.

    python3 infra/local.py infra-up     Kafka (KRaft), PostgreSQL, Zipkin; idempotent
    python3 infra/local.py up           infra + the four services in the background
    python3 infra/local.py run          up, demo data, then wait; Ctrl-C stops everything
    python3 infra/local.py down         stop everything this file started
    python3 infra/local.py status       what runs, where
    python3 infra/local.py browser      Chromium for the dashboard test (installed if missing)
    python3 infra/local.py crash kafka  kill -9 kafka|postgres|zipkin (chaos runs; infra-up
                                        starts it again)

Set TRAINTRACK_KAFKA_BOOTSTRAP and/or TRAINTRACK_PG_URL to use an existing Kafka or
PostgreSQL instead of the local one (nothing local is started for it then).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".run"
LOGS = RUN / "logs"
PIDS = RUN / "pids"
VENV_PY = ROOT / ".venv" / "bin" / "python"

KAFKA_PORT = int(os.environ.get("TRAINTRACK_KAFKA_PORT", "9092"))
CONTROLLER_PORT = int(os.environ.get("TRAINTRACK_KAFKA_CONTROLLER_PORT", "9093"))
# A private cluster beside any system PostgreSQL that may already hold 5432.
PG_PORT = int(os.environ.get("TRAINTRACK_PG_PORT", "55432"))
ZIPKIN_PORT = int(os.environ.get("TRAINTRACK_ZIPKIN_PORT", "9411"))
PG_USER = "traintrack"
PG_PASSWORD = "traintrack-dev"  # local development cluster only, bound to 127.0.0.1

SERVICES = {
    "enrollment": 8001,
    "evaluation": 8002,
    "matching": 8003,
    "outcomes": 8004,
    "operations": 8005,
}
# Python packages of the services (the matching service's package must not shadow the
# `matching` library it uses).
# Services whose faust worker has agents to run.
WORKERS = ("enrollment", "evaluation", "matching", "outcomes")


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    pg_url: str  # without database name: postgresql://user:pw@host:port
    zipkin_url: str

    def database_url(self, database: str) -> str:
        return f"{self.pg_url}/{database}"


def log(message: str) -> None:
    sys.stderr.write(f"[traintrack] {message}\n")
    sys.stderr.flush()


class SetupError(RuntimeError):
    pass


# ---------------------------------------------------------------- processes


def _pid_file(name: str) -> Path:
    return PIDS / f"{name}.pid"


def _alive(name: str) -> int | None:
    try:
        pid = int(_pid_file(name).read_text())
    except (OSError, ValueError):
        return None
    try:
        # Reap it if it is our own child that exited; a zombie still answers kill(pid, 0).
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return None
    except ChildProcessError:
        pass  # started by an earlier run of this file
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return pid


def _spawn(
    name: str,
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    user: str | None = None,
) -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    with open(LOGS / f"{name}.log", "wb") as out:
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    _pid_file(name).write_text(str(proc.pid))
    return proc.pid


def _stop(name: str, timeout: float = 20.0) -> None:
    pid = _alive(name)
    if pid is None:
        _pid_file(name).unlink(missing_ok=True)
        return
    log(f"stopping {name} (pid {pid})")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(name):
        time.sleep(0.2)
    if _alive(name):
        os.killpg(pid, signal.SIGKILL)
    _pid_file(name).unlink(missing_ok=True)


def crash(name: str) -> None:
    """kill -9 a piece and everything it started (fault injection: `make chaos`)."""
    pid = _alive(name)
    if pid is None:
        raise SetupError(f"{name} is not running")
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while _alive(name) and time.monotonic() < deadline:
        time.sleep(0.1)
    _pid_file(name).unlink(missing_ok=True)


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """Run a set-up step; its output goes to stderr, keeping stdout for our own answers."""
    kwargs.setdefault("stdout", sys.stderr)
    kwargs.setdefault("check", True)
    return subprocess.run(argv, **kwargs)  # type: ignore[call-overload, no-any-return]


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except OSError:
        return False


def _wait(what: str, check, timeout: float, logfile: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    tail = ""
    if logfile and logfile.exists():
        tail = "\n".join(logfile.read_text(errors="replace").splitlines()[-30:])
    raise SetupError(
        f"{what} did not become healthy within {timeout:.0f}s."
        + (f" Last lines of {logfile}:\n{tail}" if tail else "")
    )


# ---------------------------------------------------------------- JVM parts


def ensure_jars() -> None:
    if (RUN / "lib" / "zipkin" / "zipkin-server-exec.jar").exists() and any(
        (RUN / "lib" / "kafka").glob("kafka_2.13-*.jar")
    ):
        return
    if not shutil.which("mvn") or not shutil.which("java"):
        raise SetupError("Java 17 and Maven are needed to fetch Kafka and Zipkin.")
    log("fetching Kafka and Zipkin from Maven Central (once)")
    _run(
        ["mvn", "-q", "-B", "-f", str(ROOT / "infra/maven/pom.xml"), "generate-resources"],
    )


def start_kafka() -> None:
    if _alive("kafka") and _port_open(KAFKA_PORT):
        log(f"kafka already running on {KAFKA_PORT}")
        return
    if _port_open(KAFKA_PORT):
        raise SetupError(
            f"port {KAFKA_PORT} is taken by a process this runner did not start; "
            "stop it or set TRAINTRACK_KAFKA_BOOTSTRAP to use it"
        )
    ensure_jars()
    home = RUN / "kafka"
    data = home / "data"
    home.mkdir(parents=True, exist_ok=True)
    props = home / "server.properties"
    props.write_text(f"""process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:{CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:{KAFKA_PORT},CONTROLLER://127.0.0.1:{CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:{KAFKA_PORT}
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
""")
    java = [
        "java",
        "-Xms256m",
        "-Xmx768m",
        "-XX:+UseG1GC",
        f"-Dlog4j2.configurationFile={ROOT / 'infra/kafka/log4j2.yaml'}",
        "-cp",
        str(RUN / "lib" / "kafka" / "*"),
    ]
    if not (data / "meta.properties").exists():
        log("formatting Kafka storage (KRaft, standalone)")
        _run(
            [
                *java,
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                str(uuid.uuid4()).replace("-", "")[:22],
                "-c",
                str(props),
            ],
            stdout=subprocess.DEVNULL,
        )
    log(f"starting kafka on {KAFKA_PORT}")
    _spawn("kafka", [*java, "kafka.Kafka", str(props)])
    _wait("Kafka", lambda: _port_open(KAFKA_PORT), 90, LOGS / "kafka.log")


def start_zipkin() -> None:
    if _http_ok(f"http://127.0.0.1:{ZIPKIN_PORT}/health"):
        log(f"zipkin already running on {ZIPKIN_PORT}")
        return
    ensure_jars()
    log(f"starting zipkin on {ZIPKIN_PORT}")
    _spawn(
        "zipkin",
        ["java", "-Xmx1536m", "-jar", str(RUN / "lib" / "zipkin" / "zipkin-server-exec.jar")],
        # In memory, the oldest spans dropped first: a chaos or bench run sends hundreds of
        # thousands, and 300,000 of ours overflowed a 1 GB heap ("Java heap space").
        env={"QUERY_PORT": str(ZIPKIN_PORT), "STORAGE_TYPE": "mem", "MEM_MAX_SPANS": "150000"},
    )
    _wait(
        "Zipkin",
        lambda: _http_ok(f"http://127.0.0.1:{ZIPKIN_PORT}/health"),
        120,
        LOGS / "zipkin.log",
    )


# ---------------------------------------------------------------- Chromium (tests)


def browser() -> Path:
    """Debian's Chromium for the dashboard test, installed when missing."""
    found = shutil.which("chromium")
    if not found:
        log("Chromium not found: installing Debian's chromium package")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        _run([*sudo, "apt-get", "update", "-q"], env=env)
        _run(
            [
                *sudo,
                "apt-get",
                "install",
                "-y",
                "-q",
                "--no-install-recommends",
                "chromium",
                "fonts-noto-cjk",
            ],
            env=env,
        )
        found = shutil.which("chromium")
    if not found:
        raise SetupError("could not find chromium after installing it")
    return Path(found)


# ---------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        log("PostgreSQL server not found: installing Debian's postgresql package")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        _run([*sudo, "apt-get", "update", "-q"], env=env)
        _run([*sudo, "apt-get", "install", "-y", "-q", "postgresql"], env=env)
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SetupError("could not find initdb after installing postgresql")
    return found[-1].parent


def _pg_user() -> str | None:
    """PostgreSQL refuses to run as root; run it as `postgres` then."""
    return "postgres" if os.geteuid() == 0 else None


def start_postgres() -> None:
    home = RUN / "pg"
    data = home / "data"
    socket_dir = home / "socket"
    if _alive("postgres") and _port_open(PG_PORT):
        log(f"postgres already running on {PG_PORT}")
        return
    if _port_open(PG_PORT):
        raise SetupError(
            f"port {PG_PORT} is taken by a process this runner did not start; "
            "stop it, set TRAINTRACK_PG_PORT, or set TRAINTRACK_PG_URL to use it"
        )
    bin_dir = _pg_bin()
    user = _pg_user()
    as_user = ["runuser", "-u", user, "--"] if user else []
    home.mkdir(parents=True, exist_ok=True)
    socket_dir.mkdir(exist_ok=True)
    if user:
        shutil.chown(home, user)
        shutil.chown(socket_dir, user)
    if not (data / "PG_VERSION").exists():
        log("initialising a private PostgreSQL cluster in .run/pg")
        pwfile = home / "pwfile"
        pwfile.write_text(PG_PASSWORD + "\n")
        if user:
            shutil.chown(pwfile, user)
        _run(
            [
                *as_user,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                PG_USER,
                "--pwfile",
                str(pwfile),
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
        pwfile.unlink()
    log(f"starting postgres on {PG_PORT}")
    _spawn(
        "postgres",
        [
            str(bin_dir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(PG_PORT),
            "-k",
            str(socket_dir),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=300",
            "-c",
            "fsync=on",
        ],
        user=user,
    )
    ready = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)]
    _wait("PostgreSQL", lambda: _run(ready, check=False).returncode == 0, 60, LOGS / "postgres.log")


def ensure_databases(endpoints: Endpoints, names: list[str]) -> None:
    """Create each service's database if missing (needs the venv's asyncpg)."""
    _run(
        [
            str(VENV_PY),
            "-m",
            "traintrack.demo.devtools",
            "create-databases",
            endpoints.pg_url,
            *names,
        ],
    )


def ensure_topics(endpoints: Endpoints) -> None:
    _run(
        [
            str(VENV_PY),
            "-m",
            "traintrack.demo.devtools",
            "create-topics",
            endpoints.kafka_bootstrap,
        ],
    )


# ---------------------------------------------------------------- platform


def infra_up() -> Endpoints:
    kafka = os.environ.get("TRAINTRACK_KAFKA_BOOTSTRAP")
    pg = os.environ.get("TRAINTRACK_PG_URL")
    zipkin = os.environ.get("TRAINTRACK_ZIPKIN_URL")
    if not kafka:
        start_kafka()
        kafka = f"127.0.0.1:{KAFKA_PORT}"
    if not pg:
        start_postgres()
        pg = f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{PG_PORT}"
    if not zipkin:
        start_zipkin()
        zipkin = f"http://127.0.0.1:{ZIPKIN_PORT}"
    endpoints = Endpoints(kafka, pg, zipkin)
    ensure_topics(endpoints)
    return endpoints


def service_env(
    name: str,
    endpoints: Endpoints,
    *,
    database: str | None = None,
    port: int | None = None,
    keyring: Path | None = None,
) -> dict[str, str]:
    prefix = name.upper()
    return {
        f"{prefix}_KAFKA_BOOTSTRAP": endpoints.kafka_bootstrap,
        f"{prefix}_DATABASE_URL": endpoints.database_url(database or name),
        f"{prefix}_HTTP_PORT": str(port or SERVICES[name]),
        f"{prefix}_KEYRING_FILE": str(keyring or RUN / "keyring.json"),
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"{endpoints.zipkin_url}/api/v2/spans",
        "PYTHONUNBUFFERED": "1",
    }


def start_services(endpoints: Endpoints) -> None:
    ensure_databases(endpoints, list(SERVICES))
    write_credentials()
    for name, port in SERVICES.items():
        env = service_env(name, endpoints)
        if not (_alive(f"{name}-api") and _port_open(port)):
            log(f"starting {name} API on {port}")
            _spawn(
                f"{name}-api",
                [str(VENV_PY), "-m", f"traintrack.{name}", "api"],
                env=env,
            )
        if name in WORKERS and not _alive(f"{name}-worker"):
            log(f"starting {name} worker")
            _spawn(
                f"{name}-worker",
                [str(VENV_PY), "-m", f"traintrack.{name}", "worker"],
                env=env,
            )
    for name, port in SERVICES.items():
        _wait(
            f"{name} service",
            lambda p=port: _http_ok(f"http://127.0.0.1:{p}/readyz"),
            90,
            LOGS / f"{name}-api.log",
        )
    for name in WORKERS:
        log_file = LOGS / f"{name}-worker.log"
        _wait(
            f"{name} worker",
            lambda n=name, f=log_file: (
                _alive(f"{n}-worker") is not None
                and "[^Worker]: Ready" in f.read_text(errors="replace")
            ),
            90,
            log_file,
        )


def dead_processes() -> list[str]:
    """Pieces this runner started that are no longer running."""
    return [p.stem for p in PIDS.glob("*.pid") if _alive(p.stem) is None]


def write_credentials() -> None:
    """Demo keys: plaintext in credentials.json for scripts, only hashes in keyring.json."""
    creds_file = RUN / "credentials.json"
    if creds_file.exists() and (RUN / "keyring.json").exists():
        return
    _run(
        [
            str(VENV_PY),
            "-m",
            "traintrack.demo.devtools",
            "demo-keys",
            str(creds_file),
            str(RUN / "keyring.json"),
        ],
    )


def down() -> None:
    names = [f"{s}-{kind}" for s in SERVICES for kind in ("worker", "api")]
    for name in [*names, "zipkin", "kafka", "postgres"]:
        _stop(name)


def status() -> None:
    for name in sorted(p.stem for p in PIDS.glob("*.pid")) if PIDS.exists() else []:
        log(f"{name}: {'running, pid ' + str(_alive(name)) if _alive(name) else 'stopped'}")


def print_urls(endpoints: Endpoints) -> None:
    lines = ["", "traintrack is up:"]
    lines += [f"  {n:<11} http://127.0.0.1:{p}/docs" for n, p in SERVICES.items()]
    lines += [
        f"  dashboard   http://127.0.0.1:{SERVICES['outcomes']}/dashboard  (?lang=en)",
        f"  zipkin      {endpoints.zipkin_url}/zipkin/",
        f"  kafka       {endpoints.kafka_bootstrap}",
        f"  postgres    {endpoints.pg_url.replace(PG_PASSWORD, '***')}",
        f"  credentials {RUN / 'credentials.json'}",
        "",
    ]
    print("\n".join(lines), flush=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    try:
        if command == "infra-up":
            print(json.dumps(infra_up().__dict__))
        elif command == "browser":
            print(browser())
        elif command in ("up", "run"):
            endpoints = infra_up()
            start_services(endpoints)
            _run(
                [
                    str(VENV_PY),
                    "-m",
                    "traintrack.demo.devtools",
                    "demo-data",
                    str(RUN / "credentials.json"),
                ],
            )
            _run(
                [
                    str(VENV_PY),
                    "-m",
                    "traintrack.demo.devtools",
                    "outcome-report",
                    str(RUN / "credentials.json"),
                ],
            )
            print_urls(endpoints)
            if command == "run":
                # Ctrl-C and a polite kill both stop everything (even where the shell
                # started us with SIGINT ignored).
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, signal.default_int_handler)
                log("running; press Ctrl-C to stop everything")
                try:
                    reported: set[str] = set()
                    while True:
                        time.sleep(5)
                        for name in set(dead_processes()) - reported:
                            log(f"error: {name} stopped; see {LOGS / name}.log")
                            reported.add(name)
                except KeyboardInterrupt:
                    pass
                finally:
                    down()
        elif command == "crash" and len(argv) > 2:
            crash(argv[2])
        elif command == "down":
            down()
        elif command == "status":
            status()
        else:
            log(__doc__ or "")
            return 2
    except SetupError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
