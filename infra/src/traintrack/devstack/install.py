"""What the dev stack needs from outside, installed once when missing: Kafka and Zipkin
jars through Maven into .run/lib, Debian's PostgreSQL server, Debian's Chromium (for the
dashboard test)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from traintrack.devstack.processes import ROOT, SetupError, log

LIB = ROOT / ".run" / "lib"
KAFKA_CLASSPATH = str(LIB / "kafka" / "*")
ZIPKIN_JAR = LIB / "zipkin" / "zipkin-server-exec.jar"


def run(
    argv: list[str], *, quiet: bool = False, check: bool = True, env: dict[str, str] | None = None
) -> int:
    """Run a set-up step; its output goes to stderr, keeping stdout for our own answers."""
    out = subprocess.DEVNULL if quiet else sys.stderr
    environ = {**os.environ, **(env or {})}
    return subprocess.run(argv, stdout=out, check=check, env=environ).returncode


def jars() -> None:
    """Kafka's and Zipkin's jars from Maven Central (infra/maven/pom.xml)."""
    if ZIPKIN_JAR.exists() and any((LIB / "kafka").glob("kafka_2.13-*.jar")):
        return
    if not shutil.which("mvn") or not shutil.which("java"):
        raise SetupError("Java 17 and Maven are needed to fetch Kafka and Zipkin.")
    log("fetching Kafka and Zipkin from Maven Central (once)")
    run(["mvn", "-q", "-B", "-f", str(ROOT / "infra/maven/pom.xml"), "generate-resources"])


def postgres_bin() -> Path:
    """The directory of Debian's PostgreSQL server programs (the newest installed)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        log("PostgreSQL server not found: installing Debian's postgresql package")
        _apt_install("postgresql")
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SetupError("could not find initdb after installing postgresql")
    return found[-1].parent


def chromium() -> Path:
    """Debian's Chromium for the dashboard test."""
    found = shutil.which("chromium")
    if not found:
        log("Chromium not found: installing Debian's chromium package")
        _apt_install("--no-install-recommends", "chromium", "fonts-noto-cjk")
        found = shutil.which("chromium")
    if not found:
        raise SetupError("could not find chromium after installing it")
    return Path(found)


def _apt_install(*packages: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    run([*sudo, "apt-get", "update", "-q"], env=env)
    run([*sudo, "apt-get", "install", "-y", "-q", *packages], env=env)
