"""What a batch of rows came to: the rows kept and the rows refused, by number."""

from __future__ import annotations

from dataclasses import dataclass, field

from traintrack.platform.errors import Rejected


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message: str
    cause: Rejected | None = None  # the refusal itself, to raise again


@dataclass
class BatchResult:
    """Attendance rows of one command: how many were recorded, which were refused."""

    accepted: int = 0
    errors: list[RowError] = field(default_factory=list)

    def raise_first(self) -> None:
        """A single row's refusal, raised rather than reported."""
        if self.errors:
            error = self.errors[0]
            refused = error.cause or Rejected(error.message)
            refused.field = error.field
            raise refused


@dataclass
class ImportReport:
    """A whole CSV import: the parser's refusals and the command's, in row order."""

    accepted: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.accepted + len(self.errors)

    @property
    def rejected(self) -> int:
        return len(self.errors)
