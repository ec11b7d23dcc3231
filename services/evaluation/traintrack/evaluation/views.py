"""The read side: what the GET routes (and the answers of some POSTs) show, each read on a
connection of its own. Who may see an enrollment is the domain's rule (`domain/access`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from traintrack.evaluation.adapters.repository import EnrollmentRepository, ProjectRepository
from traintrack.evaluation.adapters.schemes import SchemeRepository
from traintrack.evaluation.adapters.signing import STATUS_LIST_TYP, InvalidCredential, Signer
from traintrack.evaluation.domain import access, status_list
from traintrack.evaluation.domain.credential import identify
from traintrack.evaluation.domain.enrollment import EnrollmentFacts
from traintrack.evaluation.domain.scheme import Scheme
from traintrack.platform.db import Connection
from traintrack.platform.errors import NotFound
from traintrack.platform.web import in_hand

Row = dict[str, Any]


class Views:
    def __init__(self, pool: asyncpg.Pool, signer: Signer) -> None:
        self._pool = pool
        self._signer = signer

    # ------------------------------------------------------------ stages

    async def current_decisions(self, enrollment_id: str) -> list[Row]:
        async with in_hand.reading(self._pool) as conn:  # the answer to a write reads it
            return await _decisions(conn, enrollment_id)

    async def enrollment_stages(self, actor: access.Actor, enrollment_id: str) -> Row:
        async with self._pool.acquire() as conn:
            facts = await _visible(conn, actor, enrollment_id)
            return await _stages(conn, facts)

    async def trainee_stages(self, actor: access.Actor, trainee_id: str) -> list[Row]:
        """The trainee's enrollments the caller may see, oldest first (NotFound when none)."""
        async with self._pool.acquire() as conn:
            projects = ProjectRepository(conn)
            seen = [
                facts
                for facts in await EnrollmentRepository(conn).of_trainee(trainee_id)
                if await access.may_see(actor, facts, projects)
            ]
            if not seen:
                raise NotFound(f"trainee {trainee_id}")
            return [await _stages(conn, facts) for facts in seen]

    # ------------------------------------------------------------ schemes

    async def scheme(self, scheme_id: str, version: int | None) -> Scheme | None:
        async with self._pool.acquire() as conn:
            return await SchemeRepository(conn).get(scheme_id, version)

    # ------------------------------------------------------------ credentials

    def jwks(self) -> dict[str, Any]:
        return self._signer.jwks()

    async def credential(self, credential_id: str) -> Row:
        """The stored credential, its VC-JWT as `credential` (NotFound when unknown)."""
        async with in_hand.reading(self._pool) as conn:  # the answer to a revocation reads it
            stored = await _credential(conn, credential_id)
        if stored is None:
            raise NotFound(f"credential {credential_id}")
        return {**stored, "credential": stored["jwt"]}

    async def credential_for(self, actor: access.Actor, credential_id: str) -> Row:
        """The credential, for those who may see its enrollment."""
        credential = await self.credential(credential_id)
        async with self._pool.acquire() as conn:
            await _visible(conn, actor, credential["enrollment_id"] or "")
        return credential

    async def status_list(self, list_id: int) -> str:
        """The status list credential (VC-JWT) as it stands: a bit set for each revoked
        credential of the list. List 0 exists before any credential; later ones once a
        credential holds a bit in them."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT status_index, revoked_at FROM credentials WHERE status_list = $1",
                list_id,
            )
        if not rows and list_id != 0:
            raise NotFound(f"status list {list_id}")
        claims = status_list.credential(
            issuer=self._signer.issuer,
            status_list=list_id,
            revoked=[r["status_index"] for r in rows if r["revoked_at"] is not None],
            at=datetime.now(UTC),
        )
        return self._signer.sign(claims, typ=STATUS_LIST_TYP)

    async def credential_status(self, credential_id: str) -> Row:
        stored = await _credential(self._pool, credential_id)
        if stored is None:
            raise NotFound(f"credential {credential_id}")
        return {
            "credential_id": credential_id,
            "revoked": stored["revoked_at"] is not None,
            "revoked_at": stored["revoked_at"],
        }

    async def verify(self, token: str) -> Row:
        """Signature, validity window and revocation of a credential: a verdict, never an
        error."""
        try:
            claims = self._signer.verify(token, now=datetime.now(UTC))
        except InvalidCredential as error:
            return {"valid": False, "reason": str(error)}
        credential_id, trainee_id = identify(claims)
        stored = await _credential(self._pool, credential_id)
        if stored is None:
            return {"valid": False, "credential_id": credential_id, "reason": "unknown credential"}
        if stored["revoked_at"] is not None:
            return {
                "valid": False,
                "credential_id": credential_id,
                "trainee_id": trainee_id,
                "reason": f"revoked: {stored['revocation_reason']}",
            }
        return {"valid": True, "credential_id": credential_id, "trainee_id": trainee_id}


async def _visible(conn: Connection, actor: access.Actor, enrollment_id: str) -> EnrollmentFacts:
    facts = await EnrollmentRepository(conn).get(enrollment_id)
    if facts is None or not await access.may_see(actor, facts, ProjectRepository(conn)):
        raise NotFound(f"enrollment {enrollment_id}")
    return facts


async def _decisions(conn: Connection, enrollment_id: str, *, history: bool = False) -> list[Row]:
    """The current decision of each stage, or (history) every decision in order."""
    query = (
        "SELECT * FROM stage_decisions WHERE enrollment_id = $1 ORDER BY decision_id"
        if history
        else "SELECT * FROM current_decisions WHERE enrollment_id = $1 ORDER BY stage"
    )
    return [dict(r) for r in await conn.fetch(query, enrollment_id)]


async def _stages(conn: Connection, facts: EnrollmentFacts) -> Row:
    credentials = await conn.fetch(
        "SELECT * FROM credentials WHERE enrollment_id = $1 ORDER BY issued_at",
        facts.enrollment_id,
    )
    return {
        "enrollment_id": facts.enrollment_id,
        "trainee_id": facts.trainee_id,
        "cohort_id": facts.cohort_id,
        "programme_id": facts.programme_id,
        "ending": facts.ending,
        "current": await _decisions(conn, facts.enrollment_id),
        "history": await _decisions(conn, facts.enrollment_id, history=True),
        "credentials": [dict(r) for r in credentials],
    }


async def _credential(pool: asyncpg.Pool | Connection, credential_id: str) -> Row | None:
    row = await pool.fetchrow("SELECT * FROM credentials WHERE credential_id = $1", credential_id)
    return dict(row) if row else None
