"""What a candidate (a person, across all their enrollments) holds: the stage and the
certifications a firm may rely on, and the courses behind them.

Every fact is kept per enrollment (trainee x cohort); a person's view is derived here:

- an enrollment *stands* unless it has a credential and none of its credentials stands
  (revoked, or its basis broke): a revoked course is no basis at all, so its stages count
  for nothing until an operator reinstates the credential or a new one is issued;
- the stage a candidate holds is the highest stage reached by a standing enrollment, so a
  second course at stage 1 never lowers a certified graduate;
- "certified" means at least one standing credential.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from traintrack.matching.domain.candidates import TALENT_POOL_STAGE, stage_reached


@dataclass(frozen=True)
class Credential:
    credential_id: str
    programme_id: str | None
    scheme_version: int | None = None
    revoked: bool = False
    # A stage of its enrollment was withdrawn after issue: the basis no longer holds,
    # whether or not the revocation event has arrived yet.
    basis_broken: bool = False
    reason: str | None = None  # why it no longer stands

    @property
    def standing(self) -> bool:
        return not self.revoked and not self.basis_broken


@dataclass(frozen=True)
class Course:
    """One enrollment's facts; `order` is the order the enrollments became known in."""

    enrollment_id: str
    order: int
    programme_id: str | None = None
    field: str | None = None
    skills: frozenset[str] = frozenset()
    ends_on: date | None = None
    status: str = "in_training"  # completed, dropped, not_completed
    passed: frozenset[int] = frozenset()
    score: float = 0.0
    credentials: tuple[Credential, ...] = ()

    @property
    def stands(self) -> bool:
        return not self.credentials or any(c.standing for c in self.credentials)

    @property
    def stage(self) -> int:
        return stage_reached(self.passed) if self.stands else 0


@dataclass(frozen=True)
class Holdings:
    stage_reached: int
    certified: bool
    certifications: tuple[Credential, ...]  # standing, in order of the courses
    lapsed: tuple[Credential, ...]  # revoked or broken, with their reasons
    skills: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    field: str | None = None  # the course behind the stage held
    score: float = 0.0
    status: str = "in_training"
    available_from: date | None = None


def backing(courses: Sequence[Course]) -> list[Course]:
    """The courses behind what firms are shown: standing ones that reached the talent
    pool or hold a standing credential; the latest course when there is none (so that an
    institute's listing still says what its trainee is training in)."""
    behind = [
        c
        for c in courses
        if c.stands and (c.stage >= TALENT_POOL_STAGE or any(x.standing for x in c.credentials))
    ]
    if behind or not courses:
        return behind
    return [max(courses, key=lambda c: c.order)]


def holdings(courses: Sequence[Course]) -> Holdings:
    """The person's view from their enrollments (see the module's rules)."""
    ordered = sorted(courses, key=lambda c: c.order)
    behind = backing(ordered)
    latest = ordered[-1] if ordered else None
    lead = max(behind, key=lambda c: (c.stage, c.order), default=None)
    standing = tuple(x for c in ordered for x in c.credentials if x.standing)
    return Holdings(
        stage_reached=max((c.stage for c in ordered), default=0),
        certified=bool(standing),
        certifications=standing,
        lapsed=tuple(x for c in ordered for x in c.credentials if not x.standing),
        skills=frozenset(s for c in behind for s in c.skills),
        fields=frozenset(c.field for c in behind if c.field),
        field=lead.field if lead else None,
        score=max((c.score for c in behind), default=0.0),
        status=latest.status if latest else "in_training",
        available_from=latest.ends_on if latest else None,
    )
