"""Attendance's SQL: training days and the at-risk alerts announced, set-wise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

import asyncpg

from traintrack.contracts.vocabulary import AttendanceStatus
from traintrack.enrollment.domain.attendance import AttendanceDay, RecentAttendance
from traintrack.enrollment.domain.catalogue import Cohort
from traintrack.enrollment.domain.recording import Alert
from traintrack.platform.db import Connection

_STATUSES = {s.value: s for s in AttendanceStatus}


class AttendanceRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def of(self, enrollment_ids: list[str]) -> dict[str, dict[date, AttendanceStatus]]:
        """Every day recorded for each enrollment (the closing sweep, a hire, the reports;
        a batch of new days reads `recent`). One row per enrollment, its days and statuses
        as two arrays: a row per day, with an enum made per row, cost most of the time."""
        rows = await self._conn.fetch(
            # One index range per enrollment, whatever plan was cached while the table was
            # small (`= ANY($1)` under a generic plan can end up comparing every row with
            # every id: 150 ms per batch of 500 seen in the pipeline bench).
            """SELECT a.enrollment_id, array_agg(a.day) AS days,
                      array_agg(a.status) AS statuses
               FROM unnest($1::text[]) AS wanted (enrollment_id)
               JOIN attendance a USING (enrollment_id)
               GROUP BY a.enrollment_id""",
            enrollment_ids,
        )
        found: dict[str, dict[date, AttendanceStatus]] = {e: {} for e in enrollment_ids}
        for r in rows:
            statuses = map(_STATUSES.__getitem__, r["statuses"])
            found[r["enrollment_id"]] = dict(zip(r["days"], statuses, strict=True))
        return found

    async def recent(
        self, since: Mapping[str, date], cohort_of: Mapping[str, Cohort]
    ) -> dict[str, RecentAttendance]:
        """Each enrollment's days from its `since` (a first of the month) on, and the
        statuses before it as counts: its months (attendance_months) less the days in them
        that are no longer training days (a day is recorded only while it is one, but a
        holiday may be declared on it later; the calendar is decided in one place, here in
        Python). `cohort_of`: each enrollment's cohort."""
        wanted = list(since)
        rows = await self._conn.fetch(
            # Lateral, so that each enrollment is one index range: joined, the planner once
            # hashed the whole attendance table for every batch (a cost growing with it).
            """SELECT w.enrollment_id, m.recorded, m.present, m.late, m.excused,
                      r.days, r.statuses, o.days AS off_days, o.statuses AS off_statuses
               FROM unnest($1::text[], $2::date[]) AS w (enrollment_id, since)
               CROSS JOIN LATERAL (
                 SELECT coalesce(sum(recorded), 0) AS recorded,
                        coalesce(sum(present), 0) AS present,
                        coalesce(sum(late), 0) AS late, coalesce(sum(excused), 0) AS excused
                 FROM attendance_months
                 WHERE enrollment_id = w.enrollment_id AND month < w.since) m
               CROSS JOIN LATERAL (
                 SELECT array_agg(day) AS days, array_agg(status) AS statuses
                 FROM attendance WHERE enrollment_id = w.enrollment_id AND day >= w.since) r
               CROSS JOIN LATERAL (
                 -- each day looked up by the key (joined, the enrollment's days are read)
                 SELECT array_agg(off.day) AS days,
                        array_agg((SELECT a.status FROM attendance a
                                   WHERE a.enrollment_id = w.enrollment_id
                                     AND a.day = off.day)) AS statuses
                 FROM unnest($3::date[]) AS off (day)) o""",
            wanted,
            [since[e] for e in wanted],
            _days_off_before(since, cohort_of.values()),
        )
        return {r["enrollment_id"]: _recent(r, since, cohort_of) for r in rows}

    async def upsert(self, rows: list[tuple[str, AttendanceDay]]) -> None:
        """The days in one statement; a day given twice counts as its last."""
        latest = {(e, d.day): d for e, d in rows}
        await self._conn.execute(
            """INSERT INTO attendance (enrollment_id, day, status, check_in, check_out)
               SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::time[],
                                    $5::time[])
               ON CONFLICT (enrollment_id, day) DO UPDATE SET status = excluded.status,
                   check_in = excluded.check_in, check_out = excluded.check_out,
                   recorded_at = now()
               -- the same day sent again (a retry) changes nothing, not even recorded_at
               WHERE (attendance.status, attendance.check_in, attendance.check_out)
                   IS DISTINCT FROM (excluded.status, excluded.check_in, excluded.check_out)""",
            [e for e, _ in latest],
            [day for _, day in latest],
            [d.status.value for d in latest.values()],
            [d.check_in for d in latest.values()],
            [d.check_out for d in latest.values()],
        )

    async def alerts_of(self, enrollment_ids: list[str]) -> set[Alert]:
        rows = await self._conn.fetch(
            "SELECT enrollment_id, scope, period, level FROM at_risk_alerts "
            "WHERE enrollment_id = ANY($1)",
            enrollment_ids,
        )
        return {(r["enrollment_id"], r["scope"], r["period"], r["level"]) for r in rows}

    async def add_alerts(self, alerts: list[tuple[Alert, date]]) -> None:
        if not alerts:  # most batches raise none: no round trip for nothing
            return
        await self._conn.executemany(
            "INSERT INTO at_risk_alerts (enrollment_id, scope, period, level, "
            "detected_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            [(*alert, on) for alert, on in alerts],
        )


def _recent(
    row: asyncpg.Record, since: Mapping[str, date], cohort_of: Mapping[str, Cohort]
) -> RecentAttendance:
    """An enrollment's row of `recent`: its earlier months counted, less what was kept on
    days that are not training days of its cohort."""
    enrollment_id = row["enrollment_id"]
    absent = row["recorded"] - row["present"] - row["late"] - row["excused"]
    earlier = Counter(
        {
            AttendanceStatus.PRESENT: row["present"],
            AttendanceStatus.LATE: row["late"],
            AttendanceStatus.EXCUSED: row["excused"],
            AttendanceStatus.ABSENT: absent,
        }
    )
    runs, first = cohort_of[enrollment_id].training_day_set(), since[enrollment_id]
    off = (
        _STATUSES[s]
        for d, s in zip(row["off_days"] or (), row["off_statuses"] or (), strict=True)
        if s is not None and d < first and d not in runs
    )
    earlier.subtract(off)
    statuses = map(_STATUSES.__getitem__, row["statuses"] or ())
    days = dict(zip(row["days"] or (), statuses, strict=True))
    return RecentAttendance(first, +earlier, days)


def _days_off_before(since: Mapping[str, date], cohorts: Iterable[Cohort]) -> list[date]:
    """The weekdays without training of any of the cohorts, before the latest `since`: a
    day kept on one of them is given back, and counted out if it is its own cohort's."""
    latest = max(since.values(), default=date.min)
    return sorted(
        {
            day
            for cohort in cohorts
            for day in (*cohort.public_holidays(), *cohort.closed_days)
            if day < latest
        }
    )
