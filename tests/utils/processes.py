"""Run the services as real processes for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_all(procs: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each process group, SIGKILL to those still there 20 s later."""
    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class ServiceProcesses:
    """Started processes, stopped together; their logs stay in test-artifacts/."""

    log_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    specs: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)

    def start(self, name: str, module: str, kind: str, env: dict[str, str]) -> None:
        self.specs[name] = (module, kind, env)
        self._spawn(name, "wb")

    def restart(self, name: str) -> None:
        """The same process again, its log continued."""
        self._spawn(name, "ab")

    def _spawn(self, name: str, log_mode: str) -> None:
        module, kind, env = self.specs[name]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", log_mode) as log:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", module, kind],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )

    def wait_ready(self, name: str, url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.log_dir / name}.log")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{name} not ready at {url}; see {self.log_dir / name}.log")

    def stop_all(self) -> None:
        stop_all(self.procs.values())
