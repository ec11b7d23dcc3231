"""Benchmark: a whole match round through the matching service's store on the real
PostgreSQL (build the game from the pool and free seats, solve, check stability, make an
offer per seat filled, feed entries and events) at the sizes of `matching_round.py`
(5,000 x 200 up to 50,000 x 2,000), with growth against the smallest in the same run.

    make bench        (writes test-artifacts/bench-matching-service.json)
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from matching_round import SIZES, make_round  # noqa: E402

from tests.utils.platform import Platform, local_platform  # noqa: E402
from traintrack.matching.bootstrap import MIGRATIONS, bus_of  # noqa: E402
from traintrack.matching.commands import SolveRound  # noqa: E402
from traintrack.platform.db import Connection  # noqa: E402
from traintrack.platform.db.pool import create_pool  # noqa: E402

FIRMS = 100
STARTS, ENDS = date(2027, 1, 4), date(2027, 3, 26)


async def seed(conn: Connection, candidates: int, openings: int) -> None:
    game = make_round(candidates, openings, 5, seed=candidates)
    firm_of = {o: f"firm-{n % FIRMS}" for n, o in enumerate(game.opening_prefs)}
    await conn.copy_records_to_table(
        "firms",
        records=[(f"firm-{n}", f"Firm {n}", "30") for n in range(FIRMS)],
        columns=["firm_id", "name", "region_code"],
    )
    await conn.copy_records_to_table(
        "openings",
        records=[
            (o, firm_of[o], "intern", ["python"], "30", game.seats[o], 3, STARTS, ENDS)
            for o in game.opening_prefs
        ],
        columns=[
            "opening_id",
            "firm_id",
            "title",
            "skills",
            "region_code",
            "seats",
            "minimum_stage",
            "starts_on",
            "ends_on",
        ],
    )
    await conn.copy_records_to_table(
        "candidates",
        # The person's derived view (per-enrollment facts are not needed by a round).
        records=[(c, "inst-bench", "30", True, 3, 70.0) for c in game.candidate_prefs],
        columns=["trainee_id", "institute_id", "region_code", "consent", "stage_reached", "score"],
    )
    shown = {(firm_of[o], c) for c, prefs in game.candidate_prefs.items() for o in prefs}
    await conn.copy_records_to_table(
        "disclosures",
        records=[(f, c, True, 3, "round", 3, False) for f, c in shown],
        columns=[
            "firm_id",
            "trainee_id",
            "shown",
            "minimum_stage",
            "reason",
            "stage_shown",
            "certified_shown",
        ],
    )
    await conn.execute(
        "INSERT INTO rounds (round_id, proposing, offer_days, opening_ids) "
        "VALUES ('bench', 'candidates', 7, $1)",
        list(game.opening_prefs),
    )
    await conn.copy_records_to_table(
        "candidate_preferences",
        records=[("bench", c, prefs) for c, prefs in game.candidate_prefs.items()],
        columns=["round_id", "trainee_id", "opening_ids"],
    )
    await conn.execute("ANALYZE")


async def drop(platform: Platform, url: str) -> None:
    """The benchmark's database goes once measured (the dev stack is shared)."""
    conn = await asyncpg.connect(f"{platform.pg_url}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')
    finally:
        await conn.close()


async def solve_once(platform: Platform, candidates: int, openings: int) -> dict[str, Any]:
    """One round on a fresh database: seeded, then solved through the bus."""
    url = await platform.fresh_database("bench_matching")
    pool = await create_pool(url, migrations=MIGRATIONS)
    try:
        async with pool.acquire() as conn:
            await seed(conn, candidates, openings)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        result: dict[str, Any] = await bus_of(pool).handle(SolveRound("bench"))
        total = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        await pool.close()
        await drop(platform, url)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return result | {"total_s": total, "python_cpu_s": cpu}


async def measure(platform: Platform, candidates: int, openings: int) -> dict[str, Any]:
    """The least disturbed of two runs (the machine is shared: see matching_round.timed)."""
    runs = [await solve_once(platform, candidates, openings) for _ in range(2)]
    best = min(runs, key=lambda r: r["total_s"])
    return {
        "candidates": candidates,
        "openings": openings,
        "total_s": round(best["total_s"], 2),
        "all_runs_s": [round(r["total_s"], 2) for r in runs],
        "python_cpu_s": round(best["python_cpu_s"], 2),
        "solve_and_check_s": best["solve_seconds"],
        "store_s": round(best["total_s"] - best["solve_seconds"], 2),
        "offers": best["matched"],
        "blocking_pairs": best["blocking_pairs"],
        # The process's peak so far: the sizes run smallest first, so it is this round's.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


async def run() -> int:
    platform = local_platform()
    rows = [await measure(platform, *size) for size in SIZES]
    smallest = rows[0]
    print(f"{'service round':<20}{'total s':>9}{'(runs)':>14}{'our CPU s':>11}{'solve s':>9}"
          f"{'store s':>9}{'offers':>8}{'peak RSS MiB':>14}{'time x':>8}")  # fmt: skip
    for r in rows:
        r["time_growth"] = round(r["total_s"] / smallest["total_s"], 1)
        r["size_growth"] = r["candidates"] / smallest["candidates"]
        print(
            f"{r['candidates']:,} x {r['openings']:,}".ljust(20)
            + f"{r['total_s']:>9}{' / '.join(map(str, r['all_runs_s'])):>14}"
            f"{r['python_cpu_s']:>11}{r['solve_and_check_s']:>9}{r['store_s']:>9}{r['offers']:>8}"
            f"{r['peak_rss_mib']:>14}{r['time_growth']:>8}"
        )
    for r in rows[1:]:
        if r["time_growth"] > 1.15 * r["size_growth"]:
            print(
                f"{r['candidates']:,} candidates: {r['time_growth']}x the time for "
                f"{r['size_growth']:.0f}x the round. Every step is linear in the pairs or the "
                "offers (one query or COPY each, no per-row round trips); what grows faster is "
                "PostgreSQL's side (50,000 row locks, a 5 MB stored game, indexes of the "
                "offers, feed and outbox that outgrow its buffers) and Python's per-object "
                "costs as the live heap grows."
            )
    out = ROOT / "test-artifacts/bench-matching-service.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"sizes": rows}, indent=2))
    return 0 if all(r["blocking_pairs"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
