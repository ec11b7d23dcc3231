"""The outcomes store on the unit of work's connection: facts (every event the indicators
need), the first slice's trainee view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.domain.trainees import EnrollmentEntry, TraineeEntry
from traintrack.platform.db import Connection

HISTORY_IMPORT_LOCK = 7_300_004  # pg_advisory_xact_lock key: one history import at a time


class Facts:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def add(self, facts: Sequence[Fact]) -> None:
        """Idempotent: a fact already kept (by event id) is left as it is."""
        await self._conn.executemany(
            """INSERT INTO facts (event_id, kind, subject, known_at, data, import_id, imported_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING""",
            [
                (f.event_id, f.kind, f.subject, f.known_at, dict(f.data),
                 *(f.imported or (None,) * 2))
                for f in facts
            ],
        )  # fmt: skip

    async def add_known_now(
        self, event_id: str, kind: str, subject: str, data: Mapping[str, Any]
    ) -> None:
        """`add` one fact known from this transaction's time on: the time the outbox gives
        the events it commits (read in the statement, not in a round trip of its own)."""
        await self._conn.execute(
            """INSERT INTO facts (event_id, kind, subject, known_at, data)
               VALUES ($1, $2, $3, now(), $4) ON CONFLICT (event_id) DO NOTHING""",
            event_id,
            kind,
            subject,
            dict(data),
        )

    async def data_of(self, event_ids: Sequence[str]) -> dict[str, Any]:
        """The data of those of `event_ids` kept already."""
        rows = await self._conn.fetch(
            "SELECT event_id, data FROM facts WHERE event_id = ANY($1::text[])", list(event_ids)
        )
        return {r["event_id"]: r["data"] for r in rows}

    async def live_cohorts(self, cohort_ids: Sequence[str]) -> set[str]:
        rows = await self._conn.fetch(
            """SELECT subject FROM facts WHERE kind = 'cohort-opened' AND import_id IS NULL
                 AND subject = ANY($1::text[])""",
            list(set(cohort_ids)),
        )
        return {r["subject"] for r in rows}

    async def live_enrollments(self, trainee_ids: Sequence[str]) -> set[str]:
        rows = await self._conn.fetch(
            """SELECT data->>'enrollment_id' AS enrollment_id FROM facts
               WHERE kind = 'trainee-enrolled' AND import_id IS NULL
                 AND subject = ANY($1::text[])""",
            list(set(trainee_ids)),
        )
        return {r["enrollment_id"] for r in rows}

    async def institute_of(self, trainee_id: str) -> str | None:
        value = await self._conn.fetchval(
            """SELECT data->>'institute_id' FROM facts
               WHERE subject = $1 AND kind IN ('trainee-registered', 'trainee-enrolled')
               ORDER BY known_at DESC LIMIT 1""",
            trainee_id,
        )
        return str(value) if value else None

    async def hired_by(self, trainee_id: str, firm_id: str) -> bool:
        found = await self._conn.fetchval(
            """SELECT 1 FROM facts WHERE subject = $1 AND kind = 'hired'
                 AND data->>'firm_id' = $2""",
            trainee_id,
            firm_id,
        )
        return found is not None

    async def subject_of_report(self, report_id: str) -> str | None:
        """The trainee an outcome report is about, if it is kept."""
        subject: str | None = await self._conn.fetchval(
            """SELECT subject FROM facts
               WHERE kind = 'outcome-reported' AND data->>'report_id' = $1""",
            report_id,
        )
        return subject

    async def wait_for_import_turn(self) -> None:
        """Until this transaction ends, other history imports wait for it."""
        await self._conn.execute("SELECT pg_advisory_xact_lock($1)", HISTORY_IMPORT_LOCK)


class TraineeView:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def add_trainees(self, entries: Sequence[TraineeEntry]) -> None:
        await self._conn.executemany(
            """INSERT INTO trainees (trainee_id, institute_id, birth_year, region_code, status,
                                     registered_at, source_event_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (trainee_id) DO NOTHING""",
            [
                (t.trainee_id, t.institute_id, t.birth_year, t.region_code, t.status,
                 t.registered_at, t.source_event_id)
                for t in entries
            ],
        )  # fmt: skip

    async def add_enrollments(self, entries: Sequence[EnrollmentEntry]) -> None:
        await self._conn.executemany(
            """INSERT INTO enrollments (enrollment_id, trainee_id, institute_id, cohort_id,
                                        enrolled_on, event_time, source_event_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (enrollment_id) DO NOTHING""",
            [
                (e.enrollment_id, e.trainee_id, e.institute_id, e.cohort_id, e.enrolled_on,
                 e.event_time, e.source_event_id)
                for e in entries
            ],
        )  # fmt: skip
