"""Who may do and see what, beyond the role an API key has: an enrollment is seen by its
institute, by a firm assessing the trainee in its programme, and by operators; evidence is
recorded by the side that observes it."""

from __future__ import annotations

from typing import Literal, Protocol

from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.scheme import EVIDENCE_KINDS, STANDING_EVIDENCE

INSTITUTE, FIRM, OPERATOR = "institute", "firm", "operator"
Side = Literal["institute", "firm"]

# Which evidence which role records; the course's own facts come from enrollment events.
RECORDED_BY: dict[str, frozenset[str]] = {
    INSTITUTE: frozenset(EVIDENCE_KINDS) - STANDING_EVIDENCE - {"interview"},
    FIRM: frozenset({"interview"}),
}


class Actor(Protocol):
    """Who acts: an API key's role (institute, firm, operator) and tenant."""

    @property
    def key_id(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def tenant(self) -> str: ...


class Projects(Protocol):
    async def firm_assesses(
        self, firm_id: str, trainee_id: str, programme_id: str | None
    ) -> bool: ...


def records(actor: Actor, evidence: str) -> bool:
    return evidence in RECORDED_BY.get(actor.role, frozenset())


def side_of(actor: Actor) -> Side:
    return "firm" if actor.role == FIRM else "institute"


async def may_see(actor: Actor, facts: EnrollmentFacts, projects: Projects) -> bool:
    """The enrollment's institute, a firm that gave a project of the enrollment's
    programme with the trainee on it, operators."""
    if actor.role == OPERATOR:
        return True
    if actor.role == INSTITUTE:
        return facts.institute_id == actor.tenant
    return await projects.firm_assesses(actor.tenant, facts.trainee_id, facts.programme_id)
