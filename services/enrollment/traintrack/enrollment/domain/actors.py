"""Who acts, and what they may touch: an institute its own records, an operator all."""

from __future__ import annotations

from dataclasses import dataclass

from traintrack.platform.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """An institute (its own records only) or an operator (institute_id None)."""

    name: str
    institute_id: str | None

    def may_touch(self, institute_id: str) -> bool:
        return self.institute_id is None or self.institute_id == institute_id

    def own_institute(self) -> str:
        """The institute acting for itself; an operator may not act in its place."""
        if self.institute_id is None:
            raise Forbidden("only an institute acts for itself here", field="institute_id")
        return self.institute_id
