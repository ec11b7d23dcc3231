"""Attendance's SQL: training days and the at-risk alerts announced, set-wise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

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
        """Every day recorded for each enrollment. One row per enrollment, its days and
        statuses as two arrays: a batch reads a whole course of days for each of its
        enrollments, and a row per day (with an enum made per row) was most of the
        worker's time."""
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
        self, since: Mapping[str, date], cohorts: Mapping[str, Cohort]
    ) -> dict[str, RecentAttendance]:
        """Each enrollment's days from its `since` (a first of the month) on, and the
        statuses before it as counts: its months (attendance_months) less the days in them
        that are no longer training days (a day is recorded only while it is one, but a
        holiday may be declared on it later; the calendar is given, decided in one place).
        `cohorts`: at least the enrollments' cohorts, by id."""
        wanted = list(since)
        rows = await self._conn.fetch(
            """WITH wanted AS (
                 SELECT w.enrollment_id, w.since, e.cohort_id
                 FROM unnest($1::text[], $2::date[]) AS w (enrollment_id, since)
                 JOIN enrollments e USING (enrollment_id)),
               months AS (
                 SELECT w.enrollment_id, sum(m.recorded) AS recorded,
                        sum(m.present) AS present, sum(m.late) AS late,
                        sum(m.excused) AS excused
                 FROM wanted w JOIN attendance_months m
                   ON m.enrollment_id = w.enrollment_id AND m.month < w.since
                 GROUP BY w.enrollment_id),
               off AS (
                 SELECT w.enrollment_id, count(*) AS recorded,
                        count(*) FILTER (WHERE a.status = 'present') AS present,
                        count(*) FILTER (WHERE a.status = 'late') AS late,
                        count(*) FILTER (WHERE a.status = 'excused') AS excused
                 FROM wanted w
                 JOIN unnest($3::text[], $4::date[]) AS o (cohort_id, day)
                   ON o.cohort_id = w.cohort_id AND o.day < w.since
                 JOIN attendance a ON a.enrollment_id = w.enrollment_id AND a.day = o.day
                 GROUP BY w.enrollment_id),
               recent AS (
                 SELECT w.enrollment_id, array_agg(a.day) AS days,
                        array_agg(a.status) AS statuses
                 FROM wanted w JOIN attendance a
                   ON a.enrollment_id = w.enrollment_id AND a.day >= w.since
                 GROUP BY w.enrollment_id)
               SELECT w.enrollment_id,
                      coalesce(m.recorded, 0) - coalesce(o.recorded, 0) AS recorded,
                      coalesce(m.present, 0) - coalesce(o.present, 0) AS present,
                      coalesce(m.late, 0) - coalesce(o.late, 0) AS late,
                      coalesce(m.excused, 0) - coalesce(o.excused, 0) AS excused,
                      r.days, r.statuses
               FROM wanted w
               LEFT JOIN months m USING (enrollment_id)
               LEFT JOIN off o USING (enrollment_id)
               LEFT JOIN recent r USING (enrollment_id)""",
            wanted,
            [since[e] for e in wanted],
            *_days_off_before(since, cohorts),
        )
        found = {e: RecentAttendance(since[e], Counter(), {}) for e in wanted}
        for r in rows:
            earlier = Counter(
                {
                    AttendanceStatus.PRESENT: r["present"],
                    AttendanceStatus.LATE: r["late"],
                    AttendanceStatus.EXCUSED: r["excused"],
                    AttendanceStatus.ABSENT: r["recorded"]
                    - r["present"]
                    - r["late"]
                    - r["excused"],
                }
            )
            statuses = map(_STATUSES.__getitem__, r["statuses"] or ())
            days = dict(zip(r["days"] or (), statuses, strict=True))
            found[r["enrollment_id"]] = RecentAttendance(since[r["enrollment_id"]], +earlier, days)
        return found

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


def _days_off_before(
    since: Mapping[str, date], cohorts: Mapping[str, Cohort]
) -> tuple[list[str], list[date]]:
    """The cohorts' weekdays without training before the latest `since`, as two columns."""
    latest = max(since.values(), default=date.min)
    cohort_ids, days = [], []
    for cohort in cohorts.values():
        for day in {*cohort.public_holidays(), *cohort.closed_days}:
            if day < latest:
                cohort_ids.append(cohort.cohort_id)
                days.append(day)
    return cohort_ids, days
