"""Stage decisions: a pure function of one enrollment's evidence and one scheme version.

Evidence is a log. A later observation of the same evidence for the same stage attempt
supersedes an earlier one (a correction); a later rubric assessment by the same assessor
for the same attempt supersedes theirs. Stages are decided in order: a stage is locked
until the one before it has passed. Within a stage, attempts are read in order; the
first that passes decides, a failed attempt leaves the remaining ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from traintrack.evaluation.domain.scheme import STANDING_EVIDENCE, Rubric, Scheme, Stage


class Status(StrEnum):
    LOCKED = "locked"
    WAITING = "waiting"
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class Observation:
    """One piece of evidence: a score, a rate or a yes/no. `attempt` 0 for standing evidence."""

    seq: int
    evidence: str
    stage: int
    attempt: int
    value: float


@dataclass(frozen=True)
class Assessment:
    """Rubric scores of one assessor for one attempt of a stage."""

    seq: int
    stage: int
    attempt: int
    assessor: str
    side: str
    scores: Mapping[str, float]


@dataclass(frozen=True)
class StageDecision:
    stage: int
    status: Status
    attempt: int
    attempts_left: int
    scheme_version: int
    rubric_score: float | None = None
    missing: tuple[str, ...] = ()
    shortfalls: tuple[str, ...] = ()
    scheme_id: str = ""


def _latest_observations(log: Iterable[Observation]) -> dict[tuple[str, int, int], float]:
    latest: dict[tuple[str, int, int], Observation] = {}
    for o in sorted(log, key=lambda o: o.seq):
        latest[(o.evidence, o.stage, o.attempt)] = o
    return {key: o.value for key, o in latest.items()}


def _latest_assessments(log: Iterable[Assessment]) -> dict[tuple[int, int], list[Assessment]]:
    latest: dict[tuple[int, int, str], Assessment] = {}
    for a in sorted(log, key=lambda a: a.seq):
        latest[(a.stage, a.attempt, a.assessor)] = a
    grouped: dict[tuple[int, int], list[Assessment]] = {}
    for (stage, attempt, _), a in sorted(latest.items()):
        grouped.setdefault((stage, attempt), []).append(a)
    return grouped


def weighted_mean(rubric: Rubric, scores: Mapping[str, float]) -> float:
    total = sum(rubric.weights.values())
    return sum(w * scores[c] for c, w in rubric.weights.items()) / total


def _evaluate(
    stage: Stage,
    attempt: int,
    version: int,
    values: Mapping[tuple[str, int, int], float],
    assessments: list[Assessment],
) -> StageDecision:
    missing, shortfalls = [], []
    for requirement in stage.requirements:
        key_attempt = 0 if requirement.evidence in STANDING_EVIDENCE else attempt
        value = values.get(
            (requirement.evidence, 0 if key_attempt == 0 else stage.number, key_attempt)
        )
        if value is None:
            missing.append(requirement.evidence)
        elif (requirement.minimum is None and value < 1) or (
            requirement.minimum is not None and value < requirement.minimum
        ):
            shortfalls.append(requirement.evidence)
    score = None
    if stage.rubric is not None:
        sides = {a.side for a in assessments}
        missing += [f"rubric:{side}" for side in sorted(stage.rubric.sides - sides)]
        if assessments:
            score = round(
                sum(weighted_mean(stage.rubric, a.scores) for a in assessments) / len(assessments),
                2,
            )
            if not missing and score < stage.rubric.minimum:
                shortfalls.append("rubric")
    left = stage.max_attempts - attempt
    if missing:
        status = Status.WAITING
        left += 1
    else:
        status = Status.FAILED if shortfalls else Status.PASSED
    return StageDecision(
        stage.number,
        status,
        attempt,
        max(left, 0),
        version,
        score,
        tuple(missing),
        tuple(shortfalls),
    )


def _with_scheme(decision: StageDecision, scheme: Scheme) -> StageDecision:
    return replace(decision, scheme_id=scheme.scheme_id)


def decide(
    scheme: Scheme, observations: Iterable[Observation], assessments: Iterable[Assessment]
) -> list[StageDecision]:
    values = _latest_observations(observations)
    rubric_scores = _latest_assessments(assessments)
    decisions: list[StageDecision] = []
    unlocked = True
    for stage in scheme.stages:
        if not unlocked:
            decisions.append(
                StageDecision(stage.number, Status.LOCKED, 0, stage.max_attempts, scheme.version)
            )
            continue
        tried = {a for (_, s, a) in values if s == stage.number and a > 0}
        tried |= {a for (s, a) in rubric_scores if s == stage.number}
        attempts = sorted(a for a in tried if a <= stage.max_attempts) or [1]
        decision = None
        for attempt in attempts:
            decision = _evaluate(
                stage,
                attempt,
                scheme.version,
                values,
                rubric_scores.get((stage.number, attempt), []),
            )
            if decision.status is not Status.FAILED:
                break
        assert decision is not None
        decisions.append(decision)
        unlocked = decision.status is Status.PASSED
    return [_with_scheme(d, scheme) for d in decisions]


def unlocked_by(scheme: Scheme, decisions: Iterable[StageDecision]) -> list[str]:
    return [
        u for d in decisions if d.status is Status.PASSED for u in scheme.stage(d.stage).unlocks
    ]
