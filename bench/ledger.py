"""Every accepted event reflected exactly once in every store that should hold it.

The ledger (bench.loadgen) lists what the platform accepted. Each store is read for the
run's institutes and compared effect by effect:

- enrollment: the trainees, enrollments, attendance days and endings; and, from its
  outbox, the events it emitted for them — a submission applied twice (a redelivery the
  inbox missed) would emit a second `attendance-recorded`, a registration retried without
  effect a second trainee;
- evaluation and matching: their projection of each enrollment, with its ending;
- outcomes: the facts per trainee (registered, enrolled, completed or dropped, reported),
  kept under event ids, so one event applied twice is one fact but an event emitted twice
  is two.

lost = expected and absent; duplicated = present more than once, or present and never
accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg

from bench.loadgen import Ledger

ENDINGS = {"completed": "enrollment-completed", "dropped": "enrollment-dropped"}


@dataclass(frozen=True)
class Tally:
    store: str
    what: str
    expected: int
    lost: int
    duplicated: int


def _compare(store: str, what: str, expected: Iterable[Any], found: Counter[Any]) -> Tally:
    wanted: Counter[Any] = Counter(expected)
    lost = sum((wanted - found).values())
    duplicated = sum((found - wanted).values())
    return Tally(store, what, sum(wanted.values()), lost, duplicated)


async def _fetch(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def check(ledger: Ledger, dbs: dict[str, str]) -> list[Tally]:
    entries = [e for e in ledger.entries.values() if e.enrollment_id]
    institutes = sorted({e.institute for e in ledger.entries.values()})
    trainees = [e.trainee_id for e in entries]
    tallies: list[Tally] = []
    db = dbs["enrollment"]

    rows = await _fetch(
        db, "SELECT trainee_id FROM trainees WHERE institute_id = ANY($1)", institutes
    )
    tallies.append(_compare("enrollment", "trainees", trainees, Counter(r[0] for r in rows)))
    rows = await _fetch(
        db, "SELECT enrollment_id, status FROM enrollments WHERE institute_id = ANY($1)", institutes
    )
    tallies.append(
        _compare(
            "enrollment",
            "enrollments (with their ending)",
            [(e.enrollment_id, e.ending or "enrolled") for e in entries],
            Counter((r[0], r[1]) for r in rows),
        )
    )
    rows = await _fetch(
        db,
        """SELECT a.enrollment_id, a.day::text FROM attendance a
           JOIN enrollments e USING (enrollment_id) WHERE e.institute_id = ANY($1)""",
        institutes,
    )
    expected_days = [(e.enrollment_id, d) for e in entries for d in e.attendance]
    tallies.append(
        _compare("enrollment", "attendance days", expected_days, Counter(map(tuple, rows)))
    )
    rows = await _fetch(
        db,
        """SELECT split_part(event_type, '.', 3), coalesce(data->>'enrollment_id', ''),
                  coalesce(data->>'day', ''), partition_key
           FROM outbox WHERE partition_key = ANY($1)
             AND event_type NOT LIKE '%attendance-at-risk%'""",
        trainees,
    )
    emitted = Counter(tuple(r) for r in rows)
    expected_events = [
        *(("trainee-registered", "", "", e.trainee_id) for e in entries),
        *(("trainee-enrolled", e.enrollment_id, "", e.trainee_id) for e in entries),
        *(
            ("attendance-recorded", e.enrollment_id, d, e.trainee_id)
            for e in entries
            for d in e.attendance
        ),
        *((ENDINGS[e.ending], e.enrollment_id, "", e.trainee_id) for e in entries if e.ending),
    ]
    tallies.append(_compare("enrollment", "events emitted (outbox)", expected_events, emitted))

    rows = await _fetch(
        dbs["evaluation"],
        "SELECT enrollment_id, ending FROM enrollments WHERE institute_id = ANY($1)",
        institutes,
    )
    tallies.append(
        _compare(
            "evaluation",
            "enrollments (with their ending)",
            [(e.enrollment_id, e.ending) for e in entries],
            Counter(map(tuple, rows)),
        )
    )
    rows = await _fetch(
        dbs["matching"],
        "SELECT e.enrollment_id, e.status FROM enrollments e JOIN candidates c USING "
        "(trainee_id) WHERE c.institute_id = ANY($1)",
        institutes,
    )
    tallies.append(
        _compare(
            "matching",
            "enrollments (with their status)",
            [(e.enrollment_id, e.ending or "in_training") for e in entries],
            Counter(map(tuple, rows)),
        )
    )
    rows = await _fetch(
        dbs["outcomes"],
        "SELECT kind, subject FROM facts WHERE subject = ANY($1) "
        "AND kind IN ('trainee-registered', 'trainee-enrolled', 'enrollment-completed', "
        "'enrollment-dropped', 'outcome-reported')",
        trainees,
    )
    expected_facts = [
        *(("trainee-registered", e.trainee_id) for e in entries),
        *(("trainee-enrolled", e.trainee_id) for e in entries),
        *((ENDINGS[e.ending], e.trainee_id) for e in entries if e.ending),
        *(("outcome-reported", e.trainee_id) for e in entries if e.report_id),
    ]
    tallies.append(_compare("outcomes", "facts", expected_facts, Counter(map(tuple, rows))))
    return tallies


def render(tallies: list[Tally]) -> str:
    lines = [f"{'store':<11} {'what':<34} {'total':>9} {'lost':>6} {'duplicated':>10}"]
    for t in tallies:
        lines.append(f"{t.store:<11} {t.what:<34} {t.expected:>9,} {t.lost:>6} {t.duplicated:>10}")
    lost, dup, total = (
        sum(getattr(t, a) for t in tallies) for a in ("lost", "duplicated", "expected")
    )
    lines.append(f"{'all':<11} {'':<34} {total:>9,} {lost:>6} {dup:>10}")
    return "\n".join(lines)
