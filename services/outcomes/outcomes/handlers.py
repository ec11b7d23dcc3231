"""Outcome reports: who may report what about whom, and recording it (fact + event)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from outcomes import store
from outcomes.domain.records import Fact
from outcomes.projection import kind_of
from traintrack_shared.auth import Principal, Role
from traintrack_shared.contracts.outcomes import OutcomeReported
from traintrack_shared.errors import NotFound, Rejected
from traintrack_shared.outbox import add_event

SOURCE = "/traintrack/outcomes"


async def _may_report(conn: asyncpg.Connection, principal: Principal, trainee_id: str) -> None:
    """Institutes report on their own trainees, firms on those they hired, operators on all."""
    institute = await store.institute_of(conn, trainee_id)
    allowed = institute is not None and (
        principal.role is Role.OPERATOR
        or (principal.role is Role.INSTITUTE and institute == principal.tenant)
        or (
            principal.role is Role.FIRM and await store.hired_by(conn, trainee_id, principal.tenant)
        )
    )
    if not allowed:
        raise NotFound(f"trainee {trainee_id}")


async def report_outcome(
    conn: asyncpg.Connection, principal: Principal, body: dict[str, Any]
) -> OutcomeReported:
    await _may_report(conn, principal, body["trainee_id"])
    if body.get("corrects"):
        earlier = await store.report(conn, body["corrects"])
        if earlier is None or earlier["subject"] != body["trainee_id"]:
            raise Rejected("no report of this trainee has that id", field="corrects")
    event = OutcomeReported(
        **body,
        report_id=f"rep-{uuid.uuid4().hex[:16]}",
        reported_by=principal.role.value,
        reporter_id=principal.tenant,
        reported_at=datetime.now(UTC),
    )
    event_id = await add_event(conn, event, source=SOURCE)
    # The fact is kept now, under the event's id and time (the outbox row's, this
    # transaction's now()): when the worker reads the event back it finds it kept.
    known_at = await conn.fetchval("SELECT event_time FROM outbox WHERE event_id = $1", event_id)
    fact = Fact(
        event_id, kind_of(event.type), event.trainee_id, known_at, event.model_dump(mode="json")
    )
    await store.add_facts(conn, [fact])
    return event
