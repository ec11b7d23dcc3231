"""Benchmark: one stable match round at 50,000 candidates x 2,000 openings, 5 choices each,
beside a baseline round ten times smaller measured in the same run.

    make bench        (writes test-artifacts/bench-matching.json)
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from traintrack.matching.domain.rounds import Round, blocking_pairs, solve


def make_round(candidates: int, openings: int, choices: int, seed: int) -> Round:
    rng = random.Random(seed)
    opening_ids = [f"o{j}" for j in range(openings)]
    prefs = {f"c{i}": rng.sample(opening_ids, choices) for i in range(candidates)}
    applicants: dict[str, list[str]] = {o: [] for o in opening_ids}
    for candidate, listed in prefs.items():
        for opening in listed:
            applicants[opening].append(candidate)
    score = {c: rng.random() for c in prefs}
    opening_prefs = {o: sorted(a, key=lambda c: -score[c]) for o, a in applicants.items()}
    return Round(prefs, opening_prefs, {o: rng.randint(3, 12) for o in opening_ids})


def measure(candidates: int, openings: int) -> dict[str, float]:
    round_ = make_round(candidates, openings, 5, seed=candidates)
    started = time.perf_counter()
    assignment = solve(round_)
    solved = time.perf_counter() - started
    started = time.perf_counter()
    stable = not blocking_pairs(round_, assignment)
    checked = time.perf_counter() - started
    placed = sum(len(v) for v in assignment.values())
    return {
        "candidates": candidates,
        "openings": openings,
        "solve_s": round(solved, 2),
        "stability_check_s": round(checked, 2),
        "placed": placed,
        "stable": stable,
    }


def main() -> int:
    baseline, full = measure(5_000, 200), measure(50_000, 2_000)
    ratio = round(full["solve_s"] / baseline["solve_s"], 1)
    rows = [("baseline 5,000 x 200", baseline), ("round 50,000 x 2,000", full)]
    print(f"{'case':<24}{'solve s':>9}{'check s':>9}{'placed':>9}{'stable':>8}")
    for name, r in rows:
        print(
            f"{name:<24}{r['solve_s']:>9}{r['stability_check_s']:>9}{r['placed']:>9}"
            f"{r['stable']!s:>8}"
        )
    print(f"full / baseline solve time: {ratio}x for 10x the candidates and openings")
    out = Path("test-artifacts/bench-matching.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"baseline": baseline, "full": full, "ratio": ratio}, indent=2))
    return 0 if baseline["stable"] and full["stable"] else 1


if __name__ == "__main__":
    sys.exit(main())
