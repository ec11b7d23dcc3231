"""Trainees' SQL: the only store of personal details, consent history, erasure, and the
institutes' own references of bulk imports (whole columns per statement: unnest)."""

from __future__ import annotations

from datetime import datetime

from traintrack.enrollment.domain.onboarding import KnownRef
from traintrack.enrollment.domain.trainees import PersonalDetails, Trainee
from traintrack.platform.db import Connection


class TraineeRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    async def add(self, trainee: Trainee, *, by: str) -> None:
        await self.add_many([trainee], by=by)

    async def add_many(self, trainees: list[Trainee], *, by: str) -> None:
        if not trainees:
            return
        ids = [t.trainee_id for t in trainees]
        await self._conn.execute(
            """INSERT INTO trainees (trainee_id, institute_id, birth_year, region_code, status,
                                     consent_share_with_firms, registered_at)
               SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
                                    $6::bool[], $7::timestamptz[])""",
            ids,
            [t.institute_id for t in trainees],
            [t.birth_year for t in trainees],
            [t.region_code for t in trainees],
            [t.status for t in trainees],
            [t.consent_share_with_firms for t in trainees],
            [t.registered_at for t in trainees],
        )
        await self._conn.execute(
            """INSERT INTO trainee_personal_details (trainee_id, name, email, phone)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])""",
            ids,
            [t.personal.name for t in trainees],
            [t.personal.email for t in trainees],
            [t.personal.phone for t in trainees],
        )
        await self._conn.execute(
            """INSERT INTO consent_history (trainee_id, share_with_firms, changed_at, changed_by)
               SELECT *, $4 FROM unnest($1::text[], $2::bool[], $3::timestamptz[])""",
            ids,
            [t.consent_share_with_firms for t in trainees],
            [t.registered_at for t in trainees],
            by,
        )

    async def get(self, trainee_id: str) -> Trainee | None:
        row = await self._conn.fetchrow(
            """SELECT t.*, p.name, p.email, p.phone
               FROM trainees t LEFT JOIN trainee_personal_details p USING (trainee_id)
               WHERE t.trainee_id = $1""",
            trainee_id,
        )
        if row is None:
            return None
        return Trainee(
            row["trainee_id"],
            row["institute_id"],
            row["birth_year"],
            row["region_code"],
            row["status"],
            row["consent_share_with_firms"],
            row["registered_at"],
            PersonalDetails(row["name"] or "", row["email"], row["phone"]),
            erased=row["erased_at"] is not None,
        )

    async def add_consent(self, trainee_id: str, share: bool, at: datetime, *, by: str) -> None:
        await self._conn.execute(
            "UPDATE trainees SET consent_share_with_firms = $2 WHERE trainee_id = $1",
            trainee_id,
            share,
        )
        await self._conn.execute(
            "INSERT INTO consent_history (trainee_id, share_with_firms, "
            "changed_at, changed_by) VALUES ($1, $2, $3, $4)",
            trainee_id,
            share,
            at,
            by,
        )

    async def erase_personal_details(self, trainee_id: str, at: datetime) -> bool:
        """False when they were erased before. Their consent goes too: the flag and its
        history (who consented when is about the person)."""
        await self._conn.execute(
            "DELETE FROM trainee_personal_details WHERE trainee_id = $1", trainee_id
        )
        await self._conn.execute("DELETE FROM consent_history WHERE trainee_id = $1", trainee_id)
        await self._conn.execute(
            "UPDATE trainees SET consent_share_with_firms = false WHERE trainee_id = $1",
            trainee_id,
        )
        # The first answer to a retried registration is kept for a day (Idempotency-Key): it
        # must not bring the details back.
        await self._conn.execute(
            """UPDATE idempotency_keys
               SET body = body || '{"name": null, "email": null, "phone": null}'::jsonb
               WHERE body->>'trainee_id' = $1 AND body ? 'name'""",
            trainee_id,
        )
        # A bulk import's reference stays (a re-import must not register the person anew),
        # but not the hash of their details.
        await self._conn.execute(
            "UPDATE trainee_refs SET fingerprint = NULL WHERE trainee_id = $1", trainee_id
        )
        done = await self._conn.fetchval(
            "UPDATE trainees SET erased_at = $2 WHERE trainee_id = $1 "
            "AND erased_at IS NULL RETURNING 1",
            trainee_id,
            at,
        )
        return done is not None

    # ------------------------------------------------------------ bulk imports' references

    async def lock_imports_of(self, institute_id: str) -> None:
        """One bulk onboarding per institute at a time (until the transaction ends): two
        imports of one file must not both register its people."""
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('onboard:' || $1))", institute_id
        )

    async def known_refs(self, institute_id: str, refs: list[str]) -> dict[str, KnownRef]:
        rows = await self._conn.fetch(
            """SELECT r.ref, r.trainee_id, r.fingerprint, t.status
               FROM trainee_refs r JOIN trainees t USING (trainee_id)
               WHERE r.institute_id = $1 AND r.ref = ANY($2)""",
            institute_id,
            refs,
        )
        return {r["ref"]: KnownRef(r["trainee_id"], r["fingerprint"], r["status"]) for r in rows}

    async def add_refs(self, institute_id: str, refs: list[tuple[str, str, str]]) -> None:
        """(ref, trainee id, fingerprint) of newly registered trainees."""
        if not refs:
            return
        await self._conn.execute(
            """INSERT INTO trainee_refs (institute_id, ref, trainee_id, fingerprint)
               SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])""",
            institute_id,
            [r for r, _, _ in refs],
            [t for _, t, _ in refs],
            [f for _, _, f in refs],
        )
