"""Certification schemes: versioned data, not code (DOMAIN.md, "The 4-stage scheme").

A scheme lists its stages in order; each stage names the evidence it needs with the
minimum each must reach, optionally a weighted rubric scored by both institute and firm
assessors, how often it may be attempted, and what passing unlocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from traintrack.platform.errors import Rejected

# What each kind of evidence is: a score 0-100, a rate 0-1, or a yes/no fact.
EVIDENCE_KINDS: dict[str, str] = {
    "baseline_test": "score",
    "attendance": "rate",
    "module_test": "score",
    "mini_project": "score",
    "participation": "score",
    "presentation": "score",
    "hackathon": "score",
    "interview": "flag",
    "course_completed": "flag",
}
# Evidence that belongs to the trainee's course, not to one attempt of a stage.
STANDING_EVIDENCE = frozenset({"attendance", "course_completed"})
SIDES = frozenset({"institute", "firm"})


@dataclass(frozen=True)
class Requirement:
    evidence: str
    minimum: float | None = None  # None for a yes/no fact, which must be yes


@dataclass(frozen=True)
class Rubric:
    weights: Mapping[str, float]
    minimum: float
    sides: frozenset[str] = SIDES  # every side must have scored


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    requirements: tuple[Requirement, ...]
    max_attempts: int
    unlocks: tuple[str, ...]
    rubric: Rubric | None = None


@dataclass(frozen=True)
class Scheme:
    scheme_id: str
    version: int
    stages: tuple[Stage, ...] = field(default_factory=tuple)

    def stage(self, number: int) -> Stage:
        for stage in self.stages:
            if stage.number == number:
                return stage
        raise Rejected(
            f"scheme {self.scheme_id} v{self.version} has no stage {number}", field="stage"
        )


def check_scheme(scheme: Scheme) -> Scheme:
    if [s.number for s in scheme.stages] != list(range(1, len(scheme.stages) + 1)):
        raise Rejected("stages are numbered 1, 2, 3 … in order", field="stages")
    for stage in scheme.stages:
        if stage.max_attempts < 1:
            raise Rejected(f"stage {stage.number}: at least one attempt", field="max_attempts")
        if not stage.requirements and stage.rubric is None:
            raise Rejected(f"stage {stage.number} asks for no evidence", field="requirements")
        for requirement in stage.requirements:
            _check_requirement(stage.number, requirement)
        if stage.rubric is not None:
            _check_rubric(stage.number, stage.rubric)
    return scheme


def _check_requirement(stage: int, requirement: Requirement) -> None:
    kind = EVIDENCE_KINDS.get(requirement.evidence)
    if kind is None:
        raise Rejected(
            f"stage {stage}: unknown evidence {requirement.evidence!r}; known: "
            f"{', '.join(sorted(EVIDENCE_KINDS))}",
            field="requirements",
        )
    limit = {"score": 100.0, "rate": 1.0}.get(kind)
    if kind == "flag" and requirement.minimum is not None:
        raise Rejected(
            f"stage {stage}: {requirement.evidence} is yes/no, it takes no minimum",
            field="requirements",
        )
    if limit is not None and not (
        requirement.minimum is not None and 0 <= requirement.minimum <= limit
    ):
        raise Rejected(
            f"stage {stage}: {requirement.evidence} needs a minimum between 0 and {limit:g}",
            field="requirements",
        )


def _check_rubric(stage: int, rubric: Rubric) -> None:
    if not rubric.weights or any(w <= 0 for w in rubric.weights.values()):
        raise Rejected(f"stage {stage}: rubric weights must be positive", field="rubric")
    if not 0 <= rubric.minimum <= 100:
        raise Rejected(f"stage {stage}: rubric minimum between 0 and 100", field="rubric")
    if not rubric.sides or not rubric.sides <= SIDES:
        raise Rejected(f"stage {stage}: rubric sides are institute and/or firm", field="rubric")


RUBRIC_CRITERIA = {
    "problem_definition": 1.0,
    "data_handling": 1.0,
    "modelling": 1.5,
    "engineering_quality": 1.5,
    "communication": 1.0,
    "teamwork": 1.0,
}

DEFAULT_SCHEME = check_scheme(
    Scheme(
        "kdt-4-stage",
        1,
        (
            Stage(
                1,
                "Foundation",
                (Requirement("baseline_test", 60), Requirement("attendance", 0.8)),
                2,
                ("practitioner_mentoring", "cloud_onboarding"),
            ),
            Stage(
                2,
                "Intermediate",
                (Requirement("module_test", 70), Requirement("mini_project", 70)),
                2,
                ("talent_pool_listing",),
            ),
            Stage(
                3,
                "Applied project",
                (Requirement("participation", 70),),
                2,
                ("internship_matching",),
                Rubric(RUBRIC_CRITERIA, 75),
            ),
            Stage(
                4,
                "Field-ready",
                (
                    Requirement("course_completed"),
                    Requirement("presentation", 80),
                    Requirement("interview"),
                ),
                2,
                ("certification", "internship_priority"),
            ),
        ),
    )
)
