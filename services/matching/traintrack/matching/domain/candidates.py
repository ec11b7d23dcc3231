"""Who a partner firm may see, which subscriptions a candidate meets, and how the platform
ranks candidates for an opening."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The default scheme (DOMAIN.md): stage 2 lists the profile in the talent pool, stage 3
# makes the trainee eligible for internship matching. Firms may ask for more, never less.
TALENT_POOL_STAGE = 2
MATCHING_STAGE = 3


@dataclass(frozen=True)
class Candidate:
    trainee_id: str
    stage_reached: int  # highest stage passed, in order; 0 for none
    consent: bool  # shares with partner firms
    skills: frozenset[str]
    region_code: str
    score: float = 0.0  # e.g. the applied-project rubric score, 0-100
    fields: frozenset[str] = frozenset()
    erased: bool = False
    certified: bool = False  # holds a standing credential


@dataclass(frozen=True)
class Opening:
    opening_id: str
    firm_id: str
    seats: int
    minimum_stage: int
    skills: frozenset[str]
    region_code: str | None = None


@dataclass(frozen=True)
class Subscription:
    """A firm's standing query. Empty filters match everything."""

    subscription_id: str
    firm_id: str
    minimum_stage: int
    skills: frozenset[str] = frozenset()  # any of
    fields: frozenset[str] = frozenset()  # any of
    region_codes: frozenset[str] = frozenset()  # any of


def stage_reached(passed: Iterable[int]) -> int:
    """Stages are passed in order: the highest stage with every stage below it passed."""
    held = set(passed)
    stage = 0
    while stage + 1 in held:
        stage += 1
    return stage


def visible(candidate: Candidate, minimum_stage: int) -> bool:
    """DOMAIN.md: only while consent is given and only at or above the stage required."""
    return shown_up_to(candidate) >= max(minimum_stage, TALENT_POOL_STAGE)


def shown_up_to(candidate: Candidate) -> int:
    """The highest stage an opening may require and still be shown the candidate (-1: none;
    `visible` for a whole round in one comparison per pair)."""
    return candidate.stage_reached if candidate.consent and not candidate.erased else -1


def meets(subscription: Subscription, candidate: Candidate) -> bool:
    """The candidate may be shown to the firm under this subscription."""
    return (
        visible(candidate, subscription.minimum_stage)
        and (not subscription.skills or bool(subscription.skills & candidate.skills))
        and (not subscription.fields or bool(subscription.fields & candidate.fields))
        and (not subscription.region_codes or candidate.region_code in subscription.region_codes)
    )


def withdrawal_reason(
    candidate: Candidate, minimum_stage: int, *, certified_shown: bool = False
) -> str | None:
    """Why a candidate a firm received may no longer be shown to it, or None.

    A revoked credential takes its course's stages with it (`holdings`), so a revocation
    shows here as a stage no longer held. The firm was shown a certification and the
    candidate now holds none: that is a revocation, whichever event of one change (the
    revocation or the stage withdrawal of its basis) arrived first. A firm shown the
    candidate uncertified hears of a stage, even if an older credential of theirs was
    revoked long ago."""
    if candidate.erased:
        return "erased"
    if not candidate.consent:
        return "consent_withdrawn"
    if candidate.stage_reached >= max(minimum_stage, TALENT_POOL_STAGE):
        return None
    if certified_shown and not candidate.certified:
        return "certification_revoked"
    return "stage_withdrawn"


def fit(opening: Opening, candidate: Candidate) -> float:
    """Stage first, then skills in common, region and project score; higher is better."""
    overlap = len(opening.skills & candidate.skills) / max(len(opening.skills), 1)
    region = 1.0 if opening.region_code in (None, candidate.region_code) else 0.0
    return 10 * candidate.stage_reached + 6 * overlap + 2 * region + candidate.score / 50


def rank(opening: Opening, candidates: Iterable[Candidate]) -> list[str]:
    """The candidates the opening may consider, best first; ties broken by id."""
    needed = max(opening.minimum_stage, TALENT_POOL_STAGE)
    keyed = [(-fit(opening, c), c.trainee_id) for c in candidates if shown_up_to(c) >= needed]
    keyed.sort()
    return [trainee_id for _, trainee_id in keyed]
