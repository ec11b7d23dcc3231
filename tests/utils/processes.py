"""The services as real processes for end-to-end tests and benchmarks: the dev stack's
process code (traintrack.devstack.processes), with logs kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from traintrack.devstack.processes import ServiceProcesses, free_port, stop

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

__all__ = ["ARTIFACTS", "ServiceProcesses", "free_port", "stop"]
