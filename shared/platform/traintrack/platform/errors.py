"""Errors the shared plumbing turns into HTTP problems or dead letters."""

from __future__ import annotations


class Rejected(Exception):
    """A command refused by the domain (illegal transition, rule broken). Never retried."""

    def __init__(self, detail: str, *, field: str | None = None, status: int = 422) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.status = status


class NotFound(Rejected):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found", status=404)


class Conflict(Rejected):
    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail, field=field, status=409)
