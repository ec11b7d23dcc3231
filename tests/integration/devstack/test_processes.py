"""The dev stack's process code on real local processes: what the e2e tests, the
benchmarks and `make up`/`make down` rely on."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from traintrack.devstack import processes
from traintrack.devstack.pidfiles import PidFiles
from traintrack.devstack.processes import (
    ServiceProcesses,
    SetupError,
    free_port,
    free_port_run,
    http_ok,
    port_open,
    wait_until,
)

pytestmark = pytest.mark.integration


def _web(port: int) -> list[str]:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def test_a_child_serves_restarts_with_its_log_continued_and_stops(tmp_path: Path) -> None:
    port = free_port()
    children = ServiceProcesses(tmp_path)
    try:
        children.start("web", "http.server", str(port), {})
        children.wait_ready("web", f"http://127.0.0.1:{port}/", timeout=20)
        children.kill("web")
        assert children.procs["web"].returncode == -9
        children.restart("web")
        children.wait_ready("web", f"http://127.0.0.1:{port}/", timeout=20)
    finally:
        children.stop_all()
    assert children.procs["web"].returncode == -15
    assert not port_open(port)
    assert (tmp_path / "web.log").read_text().count("Serving HTTP") == 2


def test_waiting_on_a_child_that_exits_fails_at_once_with_its_log(tmp_path: Path) -> None:
    children = ServiceProcesses(tmp_path)
    children.start("broken", "traintrack_no_such_module", "api", {})
    with pytest.raises(SetupError, match=r"(?s)broken exited.*No module named"):
        children.wait_ready("broken", f"http://127.0.0.1:{free_port()}/", timeout=20)


def test_waiting_gives_up_after_the_timeout() -> None:
    with pytest.raises(SetupError, match="never did not become ready within 0s"):
        wait_until("never", lambda: False, 0.5)


def test_a_detached_process_is_found_again_by_its_pid_file_and_stopped(tmp_path: Path) -> None:
    started, port = PidFiles(tmp_path / "pids", tmp_path / "logs"), free_port()
    started.start("web", _web(port))
    later = PidFiles(tmp_path / "pids", tmp_path / "logs")  # as a later `down` sees them
    try:
        wait_until("web", lambda: http_ok(f"http://127.0.0.1:{port}/"), 20, later.log_of("web"))
        assert later.names() == ["web"]
        assert later.dead() == []
    finally:
        later.stop("web")
    assert later.alive("web") is None
    assert later.names() == []
    assert not port_open(port)


def test_a_crash_kills_at_once_and_a_crash_of_nothing_is_refused(tmp_path: Path) -> None:
    pids, port = PidFiles(tmp_path / "pids", tmp_path / "logs"), free_port()
    pids.start("web", _web(port))
    wait_until("web", lambda: http_ok(f"http://127.0.0.1:{port}/"), 20)
    pids.crash("web")
    assert pids.alive("web") is None
    with pytest.raises(SetupError, match="web is not running"):
        pids.crash("web")


def test_a_run_of_ports_lies_below_the_ephemeral_range_and_skips_a_taken_port() -> None:
    ephemeral_start = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(20):
        first = free_port_run(6)
        assert first >= 20000 and first + 6 <= ephemeral_start
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        # Pinned to one choice: the run through the taken port is refused, the next accepted.
        port, free = taken.getsockname()[1], free_port_run(3)
        with pytest.MonkeyPatch.context() as patch:
            starts = iter([port - 2, free])
            patch.setattr(processes.random, "randrange", lambda *_: next(starts))
            assert free_port_run(3) == free
