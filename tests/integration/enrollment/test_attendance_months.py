"""attendance_months: the per-month counts a batch of new days reads instead of every
earlier day. A store from before them is counted when it migrates; every write after keeps
them, whatever statement made it."""

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest

from traintrack.enrollment.bootstrap import MIGRATIONS
from traintrack.platform.db.pool import migrate

pytestmark = pytest.mark.integration

BEFORE = """
INSERT INTO institutes VALUES ('inst-a', 'A', '30');
INSERT INTO programmes (programme_id, institute_id, name, track, field, hours, capacity,
                        project_work_share)
    VALUES ('p', 'inst-a', 'P', 'k_digital_training', 'AI', 960, 30, 0.3);
INSERT INTO cohorts VALUES ('c', 'p', 'inst-a', '2026-03-03', '2026-04-10', 30);
INSERT INTO trainees VALUES ('tr-1', 'inst-a', 1990, '30', 'job_seeker', true, now());
INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id, applied_on,
                         status)
    VALUES ('en-1', 'tr-1', 'inst-a', 'c', '2026-02-20', 'enrolled');
INSERT INTO attendance (enrollment_id, day, status) VALUES
    ('en-1', '2026-03-03', 'present'), ('en-1', '2026-03-04', 'present'),
    ('en-1', '2026-03-05', 'late'), ('en-1', '2026-03-06', 'absent'),
    ('en-1', '2026-03-09', 'excused'), ('en-1', '2026-04-01', 'present');
"""
MONTHS = """SELECT month::text, recorded, present, late, excused FROM attendance_months
            WHERE enrollment_id = 'en-1' ORDER BY month"""


def _migrations_to(last: int, into: Path) -> Path:
    into.mkdir()
    for number in range(1, last + 1):
        [sql] = Path(MIGRATIONS).glob(f"{number:04d}.*.sql")
        shutil.copy(sql, into)
    return into


async def test_a_store_is_counted_when_it_migrates_and_every_write_after_keeps_the_counts(
    platform, tmp_path
):
    database = await platform.fresh_database("enrollment_months")
    await asyncio.to_thread(migrate, database, _migrations_to(7, tmp_path / "before"))
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(BEFORE)
        await asyncio.to_thread(migrate, database, Path(MIGRATIONS))
        assert [tuple(r) for r in await conn.fetch(MONTHS)] == [
            ("2026-03-01", 5, 2, 1, 1),
            ("2026-04-01", 1, 1, 0, 0),
        ]
        # One statement inserting and changing days, as the upsert does: 6 March absent
        # to present, 3 March present to late, 2 April new and absent; 4 March the same.
        await conn.execute(
            """INSERT INTO attendance (enrollment_id, day, status) VALUES
                   ('en-1', '2026-03-06', 'present'), ('en-1', '2026-03-03', 'late'),
                   ('en-1', '2026-04-02', 'absent'), ('en-1', '2026-03-04', 'present')
               ON CONFLICT (enrollment_id, day) DO UPDATE SET status = excluded.status
               WHERE attendance.status IS DISTINCT FROM excluded.status"""
        )
        await conn.execute("UPDATE attendance SET status = 'excused' WHERE day = '2026-04-01'")
        assert [tuple(r) for r in await conn.fetch(MONTHS)] == [
            ("2026-03-01", 5, 2, 2, 1),
            ("2026-04-01", 2, 0, 0, 1),
        ]
    finally:
        await conn.close()
