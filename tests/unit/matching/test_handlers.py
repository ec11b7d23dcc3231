"""The registry: one handler per command."""

import dataclasses
import inspect

from traintrack.matching import commands
from traintrack.matching.handlers import HANDLERS


def test_every_command_has_exactly_one_handler():
    declared = {
        c
        for _, c in inspect.getmembers(commands, inspect.isclass)
        if dataclasses.is_dataclass(c) and c.__module__ == commands.__name__
    }
    assert set(HANDLERS) == declared - {commands.Enrollment}  # a value, not a command
