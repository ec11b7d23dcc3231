"""Benchmark: stable match rounds of 5 choices each at three sizes (5,000 x 200,
20,000 x 800, 50,000 x 2,000), solved from both sides and checked for blocking pairs; time
and peak memory per size and growth against the smallest. The `matching` package (the
tests' oracle) solves the smallest round in the same run, as the reference: our result must
equal its.

    make bench        (writes test-artifacts/bench-matching.json)
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.unit.matching.domain.test_rounds_oracle import oracle  # noqa: E402
from traintrack.matching.domain.rounds import Round, solve, solve_checked  # noqa: E402

SIZES = [(5_000, 200), (20_000, 800), (50_000, 2_000)]
CHOICES = 5


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


def timed(work: Callable[[], Any], repeat: int = 3) -> tuple[Any, float, float]:
    """`work()`, and the least wall-clock and CPU seconds of `repeat` runs. On a shared
    machine the CPU seconds are the steadier figure (the wall clock also counts the time
    other processes held the cores), and the least of a few runs the least disturbed."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, min(walls), min(cpus)


def peak_mib(work: Callable[[], Any]) -> float:
    """Peak memory Python allocated during `work` (a second run: tracing slows it)."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(candidates: int, openings: int) -> dict[str, Any]:
    round_ = make_round(candidates, openings, CHOICES, seed=candidates)
    (assignment, blocking), checked, checked_cpu = timed(lambda: solve_checked(round_))
    firms, firms_s, firms_cpu = timed(lambda: solve(round_, optimal="hospital"))
    return {
        "candidates": candidates,
        "openings": openings,
        "pairs": candidates * CHOICES,
        "solve_and_check_s": round(checked, 3),
        "solve_and_check_cpu_s": round(checked_cpu, 3),
        "opening_proposing_s": round(firms_s, 3),
        "opening_proposing_cpu_s": round(firms_cpu, 3),
        "peak_mib": round(peak_mib(lambda: solve_checked(round_)), 1),
        "placed": sum(len(v) for v in assignment.values()),
        "placed_opening_proposing": sum(len(v) for v in firms.values()),
        "stable": not blocking,
    }


def reference(candidates: int, openings: int) -> dict[str, Any]:
    """The smallest round by the `matching` package, beside ours."""
    round_ = make_round(candidates, openings, CHOICES, seed=candidates)
    theirs, seconds, cpu = timed(lambda: oracle(round_, "resident"), repeat=1)
    return {
        "candidates": candidates,
        "openings": openings,
        "matching_package_s": round(seconds, 3),
        "matching_package_cpu_s": round(cpu, 3),
        "same_assignment": theirs == solve(round_)
        and oracle(round_, "hospital") == solve(round_, optimal="hospital"),
    }


def main() -> int:
    base = reference(*SIZES[0])
    rows = [measure(*size) for size in SIZES]
    smallest = rows[0]
    head = [("round", 16), ("pairs", 9), ("solve+check s", 15), ("(CPU s)", 9), ("firms s", 9),
            ("(CPU s)", 9), ("peak MiB", 10), ("placed", 8), ("stable", 8), ("CPU x", 7),
            ("mem x", 7)]  # fmt: skip
    print("".join(name.ljust(w) if n == 0 else name.rjust(w) for n, (name, w) in enumerate(head)))
    for r in rows:
        cpu = r["solve_and_check_cpu_s"] / smallest["solve_and_check_cpu_s"]
        r["time_growth"] = round(cpu, 1)  # in CPU seconds: see `timed`
        r["memory_growth"] = round(r["peak_mib"] / smallest["peak_mib"], 1)
        r["size_growth"] = r["pairs"] / smallest["pairs"]
        print(
            f"{r['candidates']:,} x {r['openings']:,}".ljust(16)
            + f"{r['pairs']:>9,}{r['solve_and_check_s']:>15}{r['solve_and_check_cpu_s']:>9}"
            f"{r['opening_proposing_s']:>9}{r['opening_proposing_cpu_s']:>9}{r['peak_mib']:>10}"
            f"{r['placed']:>8}{r['stable']!s:>8}{r['time_growth']:>7}{r['memory_growth']:>7}"
        )
    print(
        f"reference: the matching package solves {base['candidates']:,} x {base['openings']:,} "
        f"in {base['matching_package_s']} s, {base['matching_package_cpu_s']} CPU s (ours: "
        f"{smallest['solve_and_check_s']} s, {smallest['solve_and_check_cpu_s']} CPU s, with "
        f"the check); same assignment from both sides: {base['same_assignment']}"
    )
    for r in rows[1:]:
        if r["time_growth"] > 1.15 * r["size_growth"]:
            print(
                f"{r['candidates']:,} candidates: CPU time grew {r['time_growth']}x for "
                f"{r['size_growth']:.0f}x the pairs. The work is linear in the pairs (each "
                "proposal a dict look-up and a heap step of log(seats)); what grows faster is "
                "the cost per look-up, as the rank tables and id maps outgrow the CPU caches, "
                "and the garbage collector's passes over more live objects."
            )
    out = ROOT / "test-artifacts/bench-matching.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"reference": base, "sizes": rows}, indent=2))
    ok = base["same_assignment"] and all(r["stable"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
