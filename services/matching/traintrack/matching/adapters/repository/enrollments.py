"""Each enrollment's facts as matching keeps them: its cohort, ending, stages passed,
applied-project rubric and credentials. The person's view is derived from them
(`domain/holdings.py`)."""

from __future__ import annotations

from datetime import datetime

from traintrack.matching.domain.holdings import Course, Credential
from traintrack.platform.db import Connection


class EnrollmentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def ensure(self, *, trainee_id: str, enrollment_id: str, cohort_id: str | None) -> None:
        """Know the enrollment: adopt the trainee's placeholder row in that cohort (or in no
        known cohort), else add it."""
        if await self._conn.fetchval(
            "SELECT 1 FROM enrollments WHERE enrollment_id = $1", enrollment_id
        ):
            return
        adopted = await self._conn.fetchval(
            """UPDATE enrollments SET enrollment_id = $1, cohort_id = coalesce($3, cohort_id),
                                      placeholder = false, updated_at = now()
               WHERE enrollment_id = (
                   SELECT enrollment_id FROM enrollments
                   WHERE trainee_id = $2 AND placeholder AND (cohort_id = $3 OR cohort_id IS NULL)
                   ORDER BY cohort_id IS NULL, known_order LIMIT 1)
               RETURNING 1""",
            enrollment_id,
            trainee_id,
            cohort_id,
        )
        if adopted is None:
            await self._conn.execute(
                """INSERT INTO enrollments (enrollment_id, trainee_id, cohort_id)
                   VALUES ($1, $2, $3)
                   ON CONFLICT (enrollment_id) DO NOTHING""",
                enrollment_id,
                trainee_id,
                cohort_id,
            )

    async def latest(self, trainee_id: str) -> str:
        """The enrollment a version-1 evaluation event is about: the trainee's latest known,
        or a placeholder that their first enrollment will adopt."""
        found: str | None = await self._conn.fetchval(
            """SELECT enrollment_id FROM enrollments WHERE trainee_id = $1
               ORDER BY known_order DESC LIMIT 1""",
            trainee_id,
        )
        if found is not None:
            return found
        placeholder = f"v1:{trainee_id}"
        await self._conn.execute(
            """INSERT INTO enrollments (enrollment_id, trainee_id, placeholder)
               VALUES ($1, $2, true)
               ON CONFLICT (enrollment_id) DO NOTHING""",
            placeholder,
            trainee_id,
        )
        return placeholder

    async def set_status(self, enrollment_id: str, status: str) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET status = $2, updated_at = now() WHERE enrollment_id = $1",
            enrollment_id,
            status,
        )

    async def set_stage(self, enrollment_id: str, stage: int, held: bool) -> None:
        await self._conn.execute(
            f"""UPDATE enrollments SET updated_at = now(), passed_stages =
                    {
                "ARRAY(SELECT DISTINCT s FROM unnest(passed_stages || $2::int) s ORDER BY s)"
                if held
                else "array_remove(passed_stages, $2::int)"
            }
                WHERE enrollment_id = $1""",
            enrollment_id,
            stage,
        )

    async def record_rubric(self, enrollment_id: str, side: str, value: float) -> None:
        """The latest score of each side; the enrollment's score is their mean."""
        await self._conn.execute(
            """UPDATE enrollments SET rubric = rubric || jsonb_build_object($2::text, $3::float8),
                                      updated_at = now()
               WHERE enrollment_id = $1""",
            enrollment_id,
            side,
            value,
        )
        await self._conn.execute(
            """UPDATE enrollments
               SET score = (SELECT avg(v::float8) FROM jsonb_each_text(rubric) AS s(k, v))
               WHERE enrollment_id = $1""",
            enrollment_id,
        )

    async def trainees_in(self, cohort_id: str) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT trainee_id FROM enrollments WHERE cohort_id = $1 ORDER BY 1", cohort_id
        )
        return [r["trainee_id"] for r in rows]

    async def courses(self, trainee_id: str) -> list[Course]:
        """The trainee's enrollments with their cohorts' facts and their credentials."""
        rows = await self._conn.fetch(
            """SELECT e.enrollment_id, e.known_order, e.status, e.passed_stages, e.score,
                      co.programme_id, co.field, co.skills, co.ends_on
               FROM enrollments e LEFT JOIN cohorts co USING (cohort_id)
               WHERE e.trainee_id = $1 ORDER BY e.known_order""",
            trainee_id,
        )
        credentials = await self._conn.fetch(
            """SELECT * FROM certifications WHERE trainee_id = $1
               ORDER BY issued_at NULLS FIRST, credential_id""",
            trainee_id,
        )
        return [
            Course(
                enrollment_id=r["enrollment_id"],
                order=r["known_order"],
                programme_id=r["programme_id"],
                field=r["field"],
                skills=frozenset(r["skills"] or ()),
                ends_on=r["ends_on"],
                status=r["status"],
                passed=frozenset(r["passed_stages"]),
                score=float(r["score"]),
                credentials=tuple(
                    Credential(
                        credential_id=x["credential_id"],
                        programme_id=x["programme_id"] or r["programme_id"],
                        scheme_version=x["scheme_version"],
                        revoked=x["revoked"],
                        basis_broken=x["basis_broken"],
                        reason=x["reason"],
                    )
                    for x in credentials
                    if x["enrollment_id"] == r["enrollment_id"]
                ),
            )
            for r in rows
        ]

    async def _adopt_credential(
        self, credential_id: str, enrollment_id: str, *, only_standing: bool
    ) -> None:
        """A credential of a migrated store has our id: the first event naming the
        enrollment's credential gives it its real one (also where firms were shown it)."""
        if await self._conn.fetchval(
            "SELECT 1 FROM certifications WHERE credential_id = $1", credential_id
        ):
            return
        old = await self._conn.fetchrow(
            f"""SELECT credential_id, trainee_id FROM certifications
                WHERE enrollment_id = $1 AND placeholder
                      {"AND NOT revoked AND NOT basis_broken" if only_standing else ""}
                LIMIT 1""",
            enrollment_id,
        )
        if old is None:
            return
        await self._conn.execute(
            """UPDATE certifications SET credential_id = $2, placeholder = false
               WHERE credential_id = $1""",
            old["credential_id"],
            credential_id,
        )
        await self._conn.execute(
            """UPDATE disclosures SET credentials_shown = array_replace(credentials_shown, $2, $3)
               WHERE trainee_id = $1 AND $2 = ANY(credentials_shown)""",
            old["trainee_id"],
            old["credential_id"],
            credential_id,
        )

    async def certify(
        self,
        *,
        credential_id: str,
        trainee_id: str,
        enrollment_id: str,
        programme_id: str | None,
        scheme_id: str,
        scheme_version: int,
        issued_at: datetime,
    ) -> None:
        """A credential issued; one revoked before its issue arrived stays revoked."""
        await self._adopt_credential(credential_id, enrollment_id, only_standing=True)
        await self._conn.execute(
            """INSERT INTO certifications (credential_id, trainee_id, enrollment_id, programme_id,
                                           scheme_id, scheme_version, issued_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (credential_id) DO UPDATE SET
                   programme_id = coalesce(EXCLUDED.programme_id, certifications.programme_id),
                   scheme_id = EXCLUDED.scheme_id, scheme_version = EXCLUDED.scheme_version,
                   issued_at = EXCLUDED.issued_at""",
            credential_id,
            trainee_id,
            enrollment_id,
            programme_id,
            scheme_id,
            scheme_version,
            issued_at,
        )

    async def revoke(
        self,
        *,
        credential_id: str,
        trainee_id: str,
        enrollment_id: str,
        cause: str | None,
        reason: str,
        revoked_at: datetime,
    ) -> None:
        """Revoked, with evaluation's cause and reason (known even if its issue is not yet)."""
        await self._adopt_credential(credential_id, enrollment_id, only_standing=False)
        await self._conn.execute(
            """INSERT INTO certifications (credential_id, trainee_id, enrollment_id, revoked,
                                           cause, reason, revoked_at)
               VALUES ($1, $2, $3, true, $4, $5, $6)
               ON CONFLICT (credential_id) DO UPDATE SET revoked = true, cause = EXCLUDED.cause,
                   reason = EXCLUDED.reason, revoked_at = EXCLUDED.revoked_at""",
            credential_id,
            trainee_id,
            enrollment_id,
            cause,
            reason,
            revoked_at,
        )

    async def reinstate(self, credential_id: str, enrollment_id: str) -> None:
        await self._adopt_credential(credential_id, enrollment_id, only_standing=False)
        await self._conn.execute(
            """UPDATE certifications SET revoked = false, basis_broken = false, cause = NULL,
                                         reason = NULL, revoked_at = NULL
               WHERE credential_id = $1""",
            credential_id,
        )

    async def break_basis(self, enrollment_id: str, stage: int) -> None:
        """A stage of a certified enrollment was withdrawn: its standing credentials no longer
        have their basis (evaluation's revocation, with its reason, may come after)."""
        await self._conn.execute(
            """UPDATE certifications SET basis_broken = true, cause = 'basis_withdrawn',
                                         reason = $2
               WHERE enrollment_id = $1 AND NOT revoked AND NOT basis_broken""",
            enrollment_id,
            f"basis withdrawn: stage {stage} no longer held",
        )
