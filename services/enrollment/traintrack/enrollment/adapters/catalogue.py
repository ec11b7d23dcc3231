"""The catalogue's SQL: institutes, programmes, cohorts. Rows in, domain objects out."""

from __future__ import annotations

import asyncpg

from traintrack.contracts.vocabulary import Track
from traintrack.enrollment.domain.catalogue import Cohort, Institute, Programme
from traintrack.platform.db import Connection


def institute_of(row: asyncpg.Record) -> Institute:
    return Institute(row["institute_id"], row["name"], row["region_code"])


def programme_of(row: asyncpg.Record) -> Programme:
    return Programme(
        row["programme_id"],
        row["institute_id"],
        row["name"],
        Track(row["track"]),
        row["field"],
        row["hours"],
        row["capacity"],
        float(row["project_work_share"]),
        row["training_site"],
        tuple(row["skills"]),
        tuple(row["employment_includes"]),
    )


def cohort_of(row: asyncpg.Record) -> Cohort:
    return Cohort(
        row["cohort_id"],
        row["programme_id"],
        row["institute_id"],
        row["starts_on"],
        row["ends_on"],
        row["capacity"],
        tuple(row["closed_days"]),
    )


class CatalogueRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def add_institute(self, institute: Institute) -> bool:
        """False when the id is taken."""
        done = await self._conn.fetchval(
            "INSERT INTO institutes (institute_id, name, region_code) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING RETURNING 1",
            institute.institute_id,
            institute.name,
            institute.region_code,
        )
        return done is not None

    async def get_institute(self, institute_id: str) -> Institute | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM institutes WHERE institute_id = $1", institute_id
        )
        return institute_of(row) if row else None

    async def add_programme(self, p: Programme) -> bool:
        done = await self._conn.fetchval(
            """INSERT INTO programmes (programme_id, institute_id, name, track, field, hours,
                                       capacity, project_work_share, training_site, skills,
                                       employment_includes)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               ON CONFLICT DO NOTHING RETURNING 1""",
            p.programme_id,
            p.institute_id,
            p.name,
            p.track.value,
            p.field,
            p.hours,
            p.capacity,
            p.project_work_share,
            p.training_site,
            list(p.skills),
            list(p.employment_includes),
        )
        return done is not None

    async def get_programme(self, programme_id: str) -> Programme | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM programmes WHERE programme_id = $1", programme_id
        )
        return programme_of(row) if row else None

    async def add_cohort(self, c: Cohort) -> bool:
        done = await self._conn.fetchval(
            """INSERT INTO cohorts (cohort_id, programme_id, institute_id, starts_on, ends_on,
                                    capacity, closed_days)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1""",
            c.cohort_id,
            c.programme_id,
            c.institute_id,
            c.starts_on,
            c.ends_on,
            c.capacity,
            list(c.closed_days),
        )
        return done is not None

    async def get_cohort(self, cohort_id: str, *, lock: bool = False) -> Cohort | None:
        # FOR UPDATE serialises admissions to one cohort, so two cannot take its last seat.
        sql = "SELECT * FROM cohorts WHERE cohort_id = $1" + (" FOR UPDATE" if lock else "")
        row = await self._conn.fetchrow(sql, cohort_id)
        return cohort_of(row) if row else None

    async def cohorts_by_id(self, ids: list[str], *, lock: bool = False) -> dict[str, Cohort]:
        """`lock`: seats are counted under the cohorts' locks (taken in id order: no
        deadlock between two imports or with single admissions)."""
        sql = "SELECT * FROM cohorts WHERE cohort_id = ANY($1)"
        rows = await self._conn.fetch(sql + (" ORDER BY cohort_id FOR UPDATE" if lock else ""), ids)
        return {r["cohort_id"]: cohort_of(r) for r in rows}
