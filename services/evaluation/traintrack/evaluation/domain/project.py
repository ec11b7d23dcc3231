"""Team projects on a partner firm's real data, scored with the applied-project rubric."""

from __future__ import annotations

from dataclasses import dataclass

from traintrack.evaluation.domain.access import FIRM, INSTITUTE, Actor


@dataclass(frozen=True)
class Project:
    project_id: str
    programme_id: str
    institute_id: str
    firm_id: str
    title: str
    team: tuple[str, ...]

    def assessed_by(self, actor: Actor) -> bool:
        """The project's own institute, or the firm that gave the task."""
        return (actor.role == INSTITUTE and self.institute_id == actor.tenant) or (
            actor.role == FIRM and self.firm_id == actor.tenant
        )
