"""A PostgreSQL cluster of a test's own, which it may kill, and a TCP proxy in front of it
that kills it at an exact moment: right after a transaction that wrote a given table has
committed, before the acknowledgement reaches the client.

The shared cluster of the dev stack is never touched: other suites use it meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from traintrack.devstack import install
from traintrack.devstack.processes import free_port, wait_until

USER = "traintrack"
# What the server sends when a COMMIT has been done: CommandComplete("COMMIT").
COMMITTED = b"C\x00\x00\x00\x0bCOMMIT\x00"


@dataclass
class OwnPostgres:
    """initdb'd in a directory of its own under /tmp (pytest's are closed to the `postgres`
    user); `start()`, `kill()` (SIGKILL to every server process), `remove()`."""

    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="traintrack-pg-")))
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self._bin = install.postgres_bin()
        # PostgreSQL refuses to run as root; it runs as `postgres` then.
        self._user = "postgres" if os.geteuid() == 0 else None
        self._as = ["runuser", "-u", self._user, "--"] if self._user else []
        self.home.mkdir(parents=True, exist_ok=True)
        if self._user:
            shutil.chown(self.home, self._user)
        options = ["--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
        initdb = [*self._as, str(self._bin / "initdb"), "-D", str(self.data), "-U", USER]
        subprocess.run([*initdb, *options], check=True, capture_output=True)

    @property
    def data(self) -> Path:
        return self.home / "data"

    def url(self, database: str, *, port: int | None = None) -> str:
        return f"postgresql://{USER}@127.0.0.1:{port or self.port}/{database}"

    def start(self) -> None:
        server = [str(self._bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        settings = ["listen_addresses=127.0.0.1", f"unix_socket_directories={self.home}"]
        log = open(self.home / "server.log", "ab")  # noqa: SIM115 (kept open for the child)
        self.server = subprocess.Popen(
            [*self._as, *server, *(a for s in settings for a in ("-c", s))],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = [str(self._bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        ready += ["-U", USER]
        wait_until(
            "own PostgreSQL",
            lambda: subprocess.run(ready, check=False).returncode == 0,
            60,
            self.home / "server.log",
        )

    def kill(self) -> None:
        """kill -9 the postmaster and every backend at once: a crash, not a shutdown."""
        assert self.server is not None
        pidfile = self.data / "postmaster.pid"
        postmaster = int(pidfile.read_text().split()[0]) if pidfile.exists() else self.server.pid
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
        ).stdout.split()
        doomed = [postmaster, *map(int, children)]
        for pid in doomed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(10)
        self.server = None
        wait_until("the killed server to go", lambda: not any(map(_alive, doomed)), 30, None)
        # Its lock file names a pid that may linger as a zombie (nobody reaps in a
        # container); PostgreSQL would take it for a live postmaster, so it goes.
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        (self.home / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)

    def remove(self) -> None:
        if self.server is not None:
            self.kill()
        shutil.rmtree(self.home, ignore_errors=True)


@dataclass
class KillingProxy:
    """Forwards 127.0.0.1:`port` to the database. Once armed, a connection whose client
    writes `marker` (a table name in its SQL) has the database killed by `kill` at the
    moment its COMMIT is done, and the acknowledgement is never delivered."""

    upstream: int
    kill: Callable[[], None]
    marker: bytes = b"INSERT INTO idempotency_keys"
    port: int = field(default_factory=free_port)
    armed: bool = False
    killed: int = 0
    _server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream)
        except OSError:
            client_w.close()
            return
        marked = [False]

        async def upstream() -> None:
            while data := await client_r.read(65536):
                if self.armed and self.marker in data:
                    marked[0] = True
                server_w.write(data)
                await server_w.drain()

        async def downstream() -> None:
            tail = b""
            while data := await server_r.read(65536):
                if marked[0] and self.armed and COMMITTED in tail + data:
                    self.armed, self.killed = False, self.killed + 1
                    await asyncio.to_thread(self.kill)
                    return  # the acknowledgement is lost with the database
                tail = data[-len(COMMITTED) :]
                client_w.write(data)
                await client_w.drain()

        tasks = [asyncio.create_task(upstream()), asyncio.create_task(downstream())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for writer in (client_w, server_w):
                writer.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()
