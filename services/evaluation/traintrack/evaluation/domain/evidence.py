"""What a scheme version accepts as evidence: which evidence a stage takes, how many
attempts, in what range a value lies, and which criteria its rubric scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from traintrack.evaluation.domain.decisions import Assessment, Observation
from traintrack.evaluation.domain.scheme import EVIDENCE_KINDS, Scheme, Stage
from traintrack.platform.errors import Rejected


def check_evidence(
    scheme: Scheme, *, evidence: str, stage: int, attempt: int, value: float
) -> None:
    scheme_stage = scheme.stage(stage)
    if evidence not in {r.evidence for r in scheme_stage.requirements}:
        raise Rejected(
            f"stage {stage} of {scheme.scheme_id} v{scheme.version} takes no {evidence}",
            field="evidence",
        )
    if attempt > scheme_stage.max_attempts:
        raise Rejected(
            f"stage {stage} allows {scheme_stage.max_attempts} attempt(s)", field="attempt"
        )
    kind = EVIDENCE_KINDS[evidence]
    if (kind == "score" and not 0 <= value <= 100) or (kind == "flag" and value not in (0, 1)):
        raise Rejected("a score lies between 0 and 100; a yes/no is 1 or 0", field="value")


def rubric_stage(scheme: Scheme, scores: Mapping[str, float], attempt: int) -> Stage:
    """The stage the rubric scores are for, once they score exactly its criteria."""
    stage = next((s for s in scheme.stages if s.rubric is not None), None)
    if stage is None or stage.rubric is None:
        raise Rejected("the enrollment's scheme has no rubric stage", field="project_id")
    expected = set(stage.rubric.weights)
    if set(scores) != expected:
        raise Rejected(
            f"score exactly these criteria: {', '.join(sorted(expected))}", field="scores"
        )
    if attempt > stage.max_attempts:
        raise Rejected(f"at most {stage.max_attempts} attempt(s)", field="attempt")
    return stage


def is_repeat(logged: Sequence[Observation], new: Observation) -> bool:
    """`new` says what the latest evidence of its kind, stage and attempt says already (a
    retry): recording it again would change nothing."""
    same = [o for o in logged if (o.evidence, o.stage, o.attempt) == (new.evidence, new.stage,
                                                                      new.attempt)]  # fmt: skip
    return bool(same) and max(same, key=lambda o: o.seq).value == new.value


def is_repeated_assessment(logged: Sequence[Assessment], new: Assessment) -> bool:
    """The assessor's latest scores for the stage and attempt are `new`'s already."""
    same = [a for a in logged if (a.stage, a.attempt, a.assessor) == (new.stage, new.attempt,
                                                                      new.assessor)]  # fmt: skip
    return bool(same) and dict(max(same, key=lambda a: a.seq).scores) == dict(new.scores)
