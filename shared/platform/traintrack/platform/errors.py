"""Refusals a handler or the domain raises. They say what is wrong and with which field,
never how to answer: `traintrack.platform.web.problems` maps each kind to an HTTP status
and the consumer sends any of them to the DLQ with its detail as the reason."""

from __future__ import annotations


class Rejected(Exception):
    """A command refused: a rule broken, an illegal transition. Never retried."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class NotFound(Rejected):
    """What the command is about does not exist, or the caller may not know it does."""

    def __init__(self, what: str, *, field: str | None = None) -> None:
        super().__init__(f"{what} not found", field=field)


class Conflict(Rejected):
    """The command clashes with the current state (a duplicate, a record already closed)."""


class Forbidden(Rejected):
    """The caller's role may not do this."""


class TooLarge(Rejected):
    """The input is larger than the platform takes in one command."""


class UnsupportedMedia(Rejected):
    """The input comes in a format the command does not read."""
