"""Schemes to and from plain data (JSON in the store and the API)."""

from __future__ import annotations

from typing import Any

from traintrack.evaluation.domain.scheme import Requirement, Rubric, Scheme, Stage, check_scheme


def scheme_to_data(scheme: Scheme) -> dict[str, Any]:
    return {
        "scheme_id": scheme.scheme_id,
        "version": scheme.version,
        "stages": [
            {
                "number": s.number,
                "name": s.name,
                "max_attempts": s.max_attempts,
                "unlocks": list(s.unlocks),
                "requirements": [
                    {"evidence": r.evidence, "minimum": r.minimum} for r in s.requirements
                ],
                "rubric": None
                if s.rubric is None
                else {
                    "weights": dict(s.rubric.weights),
                    "minimum": s.rubric.minimum,
                    "sides": sorted(s.rubric.sides),
                },
            }
            for s in scheme.stages
        ],
    }


def scheme_from_data(data: dict[str, Any]) -> Scheme:
    stages = []
    for s in data["stages"]:
        rubric = s.get("rubric")
        stages.append(
            Stage(
                number=s["number"],
                name=s["name"],
                max_attempts=s["max_attempts"],
                unlocks=tuple(s.get("unlocks", ())),
                requirements=tuple(
                    Requirement(r["evidence"], r.get("minimum")) for r in s.get("requirements", ())
                ),
                rubric=None
                if rubric is None
                else Rubric(
                    dict(rubric["weights"]),
                    rubric["minimum"],
                    frozenset(rubric.get("sides", ("institute", "firm"))),
                ),
            )
        )
    return check_scheme(Scheme(data["scheme_id"], data["version"], tuple(stages)))
