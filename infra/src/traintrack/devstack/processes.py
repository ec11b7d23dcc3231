"""Starting, watching and stopping processes: the one copy the dev stack, the tests and
the benchmarks share.

Every process starts in a session of its own, so stopping it signals everything it
started too (a JVM's children, uvicorn's workers). `ServiceProcesses` holds children of
the calling process (tests, benchmarks); `pidfiles.PidFiles` remembers detached ones
across commands (`up` now, `down` later).

Standard library only: `make down` runs it before the virtualenv exists.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


class SetupError(RuntimeError):
    """A part did not install, start or become ready."""


def log(message: str) -> None:
    sys.stderr.write(f"[traintrack] {message}\n")
    sys.stderr.flush()


def free_port() -> int:
    """A port free now, for a process that binds it later (see `free_port_run`)."""
    return free_port_run(1)


def free_port_run(count: int) -> int:
    """A first port with `count` free ports from it, all below the kernel's ephemeral
    range: a run taken from inside that range races every outgoing connection (a
    cluster's own nodes dial each other from it) before the last node binds its port."""
    lowest = 20000
    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range")
    below = int(ephemeral.read_text().split()[0]) if ephemeral.exists() else 32768
    for _ in range(100):
        first = random.randrange(lowest, below - count)
        if all(_bindable(first + i) for i in range(count)):
            return first
    raise SetupError(f"no run of {count} free ports between {lowest} and {below}")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= int(response.status) < 300
    except OSError:
        return False


def spawn(
    argv: list[str],
    log_file: Path,
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    append: bool = False,
) -> subprocess.Popen[bytes]:
    """Start `argv` in a session of its own, stdout and stderr into `log_file`."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab" if append else "wb") as out:
        return subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )


def stop(procs: Iterable[subprocess.Popen[bytes]], timeout: float = 20.0) -> None:
    """SIGTERM to each process group, SIGKILL to those still there `timeout` s later."""
    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(proc)


def kill(proc: subprocess.Popen[bytes]) -> None:
    """kill -9 the process and everything it started, and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_until(
    what: str,
    ready: Callable[[], bool],
    timeout: float,
    log_file: Path | None = None,
    *,
    alive: Callable[[], bool] = lambda: True,
) -> None:
    """Poll `ready` until it answers True; fail early when `alive` says the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if not alive():
            raise SetupError(f"{what} exited.{_tail(log_file)}")
        time.sleep(0.3)
    raise SetupError(f"{what} did not become ready within {timeout:.0f}s.{_tail(log_file)}")


def _tail(log_file: Path | None, lines: int = 30) -> str:
    if not (log_file and log_file.exists()):
        return ""
    tail = log_file.read_text(errors="replace").splitlines()[-lines:]
    return f" Last lines of {log_file}:\n" + "\n".join(tail)


@dataclass
class ServiceProcesses:
    """`python -m <module> <kind>` children, stopped together; their logs stay in `log_dir`."""

    log_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    specs: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)

    def start(self, name: str, module: str, kind: str, env: dict[str, str]) -> None:
        self.specs[name] = (module, kind, env)
        self._spawn(name, append=False)

    def restart(self, name: str) -> None:
        """The same process again, its log continued."""
        self._spawn(name, append=True)

    def _spawn(self, name: str, *, append: bool) -> None:
        module, kind, env = self.specs[name]
        self.procs[name] = spawn(
            [sys.executable, "-m", module, kind],
            self.log_dir / f"{name}.log",
            env={**env, "PYTHONUNBUFFERED": "1"},
            append=append,
        )

    def wait_ready(self, name: str, url: str, timeout: float = 90) -> None:
        proc = self.procs[name]
        wait_until(
            name,
            lambda: http_ok(url),
            timeout,
            self.log_dir / f"{name}.log",
            alive=lambda: proc.poll() is None,
        )

    def kill(self, name: str) -> None:
        kill(self.procs[name])

    def stop_all(self) -> None:
        stop(self.procs.values())
