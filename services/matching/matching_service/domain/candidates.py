"""Who a partner firm may see, and how the platform ranks candidates for an opening."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    trainee_id: str
    stage_reached: int  # highest stage passed, in order; 0 for none
    consent: bool  # shares with partner firms
    certification_revoked: bool
    skills: frozenset[str]
    region_code: str
    score: float = 0.0  # e.g. the applied-project rubric score, 0-100


@dataclass(frozen=True)
class Opening:
    opening_id: str
    firm_id: str
    seats: int
    minimum_stage: int
    skills: frozenset[str]
    region_code: str | None = None


def visible(candidate: Candidate, minimum_stage: int) -> bool:
    """DOMAIN.md: only while consent is given and only at or above the stage required."""
    return (
        candidate.consent
        and not candidate.certification_revoked
        and candidate.stage_reached >= minimum_stage
    )


def fit(opening: Opening, candidate: Candidate) -> float:
    """Stage first, then skills in common, region and project score; higher is better."""
    overlap = len(opening.skills & candidate.skills) / max(len(opening.skills), 1)
    region = 1.0 if opening.region_code in (None, candidate.region_code) else 0.0
    return 10 * candidate.stage_reached + 6 * overlap + 2 * region + candidate.score / 50


def rank(opening: Opening, candidates: Iterable[Candidate]) -> list[str]:
    """The candidates the opening may consider, best first; ties broken by id."""
    eligible = [c for c in candidates if visible(c, opening.minimum_stage)]
    return [c.trainee_id for c in sorted(eligible, key=lambda c: (-fit(opening, c), c.trainee_id))]
