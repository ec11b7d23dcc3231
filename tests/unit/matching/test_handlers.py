"""The registry: one handler per command."""

import dataclasses
import inspect
from pathlib import Path

from traintrack.matching import commands
from traintrack.matching.handlers import HANDLERS


def test_every_command_has_exactly_one_handler():
    declared = {
        c
        for _, c in inspect.getmembers(commands, inspect.isclass)
        if dataclasses.is_dataclass(c) and c.__module__ == commands.__name__
    }
    assert set(HANDLERS) == declared - {commands.Enrollment}  # a value, not a command


def test_every_handler_has_a_unit_test_that_sends_its_command():
    tests = "".join(p.read_text() for p in (Path(__file__).parent / "handlers").glob("test_*.py"))
    untested = [c.__name__ for c in HANDLERS if f"{c.__name__}(" not in tests]
    assert untested == []
