"""Detached processes remembered across commands by pid file: `up` starts them, a later
`down`, `status` or `crash` finds them. Standard library only, like processes.py."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from traintrack.devstack.processes import SetupError, log, spawn


@dataclass(frozen=True)
class PidFiles:
    """Detached processes by name: a pid file each in `pids`, a log each in `logs`."""

    pids: Path
    logs: Path

    def log_of(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def start(
        self,
        name: str,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        user: str | None = None,
    ) -> int:
        if user:
            argv = ["runuser", "-u", user, "--", *argv]
        proc = spawn(argv, self.log_of(name), env=env)
        self.pids.mkdir(parents=True, exist_ok=True)
        (self.pids / f"{name}.pid").write_text(str(proc.pid))
        return proc.pid

    def alive(self, name: str) -> int | None:
        """The pid of `name` if it still runs."""
        try:
            pid = int((self.pids / f"{name}.pid").read_text())
        except (OSError, ValueError):
            return None
        try:
            # Reap it if it is our own child that exited; a zombie still answers kill(pid, 0).
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return None
        except ChildProcessError:
            pass  # started by an earlier command
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return pid

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.pids.glob("*.pid")) if self.pids.exists() else []

    def dead(self) -> list[str]:
        """Processes started here that no longer run."""
        return [name for name in self.names() if self.alive(name) is None]

    def stop(self, name: str, timeout: float = 20.0) -> None:
        pid = self.alive(name)
        if pid is not None:
            log(f"stopping {name} (pid {pid})")
            self._signal(name, pid, signal.SIGTERM, timeout)
        (self.pids / f"{name}.pid").unlink(missing_ok=True)

    def crash(self, name: str) -> None:
        """kill -9 a process and everything it started (fault injection: `make chaos`)."""
        pid = self.alive(name)
        if pid is None:
            raise SetupError(f"{name} is not running")
        self._signal(name, pid, signal.SIGKILL, 20.0)
        (self.pids / f"{name}.pid").unlink(missing_ok=True)

    def _signal(self, name: str, pid: int, sig: signal.Signals, timeout: float) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive(name):
            time.sleep(0.1)
        if self.alive(name):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
