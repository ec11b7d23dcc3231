"""Attendance's SQL: training days and the at-risk alerts announced, set-wise."""

from __future__ import annotations

from datetime import date

from traintrack.contracts.vocabulary import AttendanceStatus
from traintrack.enrollment.domain.attendance import AttendanceDay
from traintrack.enrollment.domain.recording import Alert
from traintrack.platform.db import Connection


class AttendanceRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def of(self, enrollment_ids: list[str]) -> dict[str, dict[date, AttendanceStatus]]:
        rows = await self._conn.fetch(
            # One index range per enrollment, whatever plan was cached while the table was
            # small (`= ANY($1)` under a generic plan can end up comparing every row with
            # every id: 150 ms per batch of 500 seen in the pipeline bench).
            """SELECT a.enrollment_id, a.day, a.status
               FROM unnest($1::text[]) AS wanted (enrollment_id)
               JOIN attendance a USING (enrollment_id)""",
            enrollment_ids,
        )
        found: dict[str, dict[date, AttendanceStatus]] = {e: {} for e in enrollment_ids}
        for r in rows:
            found[r["enrollment_id"]][r["day"]] = AttendanceStatus(r["status"])
        return found

    async def upsert(self, rows: list[tuple[str, AttendanceDay]]) -> None:
        await self._conn.executemany(
            """INSERT INTO attendance (enrollment_id, day, status, check_in, check_out)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (enrollment_id, day) DO UPDATE SET status = excluded.status,
                   check_in = excluded.check_in, check_out = excluded.check_out,
                   recorded_at = now()
               -- the same day sent again (a retry) changes nothing, not even recorded_at
               WHERE (attendance.status, attendance.check_in, attendance.check_out)
                   IS DISTINCT FROM (excluded.status, excluded.check_in, excluded.check_out)""",
            [(e, d.day, d.status.value, d.check_in, d.check_out) for e, d in rows],
        )

    async def alerts_of(self, enrollment_ids: list[str]) -> set[Alert]:
        rows = await self._conn.fetch(
            "SELECT enrollment_id, scope, period, level FROM at_risk_alerts "
            "WHERE enrollment_id = ANY($1)",
            enrollment_ids,
        )
        return {(r["enrollment_id"], r["scope"], r["period"], r["level"]) for r in rows}

    async def add_alerts(self, alerts: list[tuple[Alert, date]]) -> None:
        await self._conn.executemany(
            "INSERT INTO at_risk_alerts (enrollment_id, scope, period, level, "
            "detected_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            [(*alert, on) for alert, on in alerts],
        )
