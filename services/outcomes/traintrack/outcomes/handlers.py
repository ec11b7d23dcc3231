"""Outcome reports: who may report what about whom, and recording it (fact + event)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from traintrack.contracts.outcomes import HistoryRecordImported, OutcomeReported
from traintrack.outcomes import history, store
from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.projection import imported_fact, kind_of
from traintrack.platform.errors import NotFound, Rejected
from traintrack.platform.messaging.outbox import add_event, add_events
from traintrack.platform.web.auth import Principal, Role

SOURCE = "/traintrack/outcomes"
HISTORY_IMPORT_LOCK = 7_300_004  # pg_advisory_xact_lock key: one history import at a time


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


@dataclass
class ImportResult:
    import_id: str
    records: int = 0
    imported: int = 0
    already_known: int = 0
    errors: list[history.BadRecord] = field(default_factory=list)


async def import_history(
    conn: asyncpg.Connection,
    principal: Principal,
    rows: Iterable[tuple[int, dict[str, Any]] | history.BadRecord],
) -> ImportResult:
    """Check every record; keep the good ones as facts (known from the day they were
    first reported) and as events, in this transaction. A record imported before (by
    this import or an earlier one) changes nothing."""
    result = ImportResult(import_id=f"imp-{uuid.uuid4().hex[:16]}")
    today = datetime.now(UTC).date()
    good: dict[str, history.Record] = {}
    for row in rows:
        result.records += 1
        record = row if isinstance(row, history.BadRecord) else history.parse(*row, today)
        if isinstance(record, history.BadRecord):
            result.errors.append(record)
        elif record.event_id in good:
            result.errors.append(history.BadRecord(record.line, "line", "a repeat of line "
                                                   f"{good[record.event_id].line}"))  # fmt: skip
        else:
            good[record.event_id] = record
    # Two imports of the same records at once (a retry after a client timeout) take turns:
    # the second finds them known instead of writing their event ids a second time.
    await conn.execute("SELECT pg_advisory_xact_lock($1)", HISTORY_IMPORT_LOCK)
    known = await store.fact_data(conn, list(good))
    live = await _live_ids(conn, list(good.values()))
    fresh = []
    for event_id, r in good.items():
        refused = _refusal(r, known.get(event_id), live)
        if refused is not None:
            result.errors.append(refused)
        elif event_id in known:
            result.already_known += 1
        else:
            fresh.append(r)
    result.errors.sort(key=lambda e: e.line)
    events = [_imported(result.import_id, principal, r) for r in fresh]
    ids = [r.event_id for r in fresh]
    await add_events(conn, events, source=SOURCE, event_ids=ids)
    await store.add_facts(conn, [imported_fact(i, e) for i, e in zip(ids, events, strict=True)])
    result.imported = len(fresh)
    return result


async def _live_ids(conn: asyncpg.Connection, records: list[history.Record]) -> set[str]:
    """Cohort and enrollment ids the live platform announced (history must not rewrite
    what its services own)."""
    cohorts = [r.subject for r in records if r.kind == "cohort"]
    trainees = [r.subject for r in records if r.kind != "cohort"]
    return await store.live_cohorts(conn, cohorts) | await store.live_enrollments(conn, trainees)


def _refusal(
    record: history.Record, imported: Mapping[str, Any] | None, live: set[str]
) -> history.BadRecord | None:
    name = "cohort_id" if record.kind == "cohort" else "enrollment_id"
    if getattr(record.data, name, None) in live:
        return history.BadRecord(record.line, name, "the live platform records this id")
    if imported is not None and dict(imported) != record.data.model_dump(mode="json"):
        return history.BadRecord(
            record.line, "line", "imported before with other values: an import adds history, "
            "it does not change it"
        )  # fmt: skip
    return None


def _imported(import_id: str, principal: Principal, r: history.Record) -> HistoryRecordImported:
    return HistoryRecordImported(
        import_id=import_id,
        imported_by=principal.tenant,
        line=r.line,
        record_type=r.data.type,
        subject_id=r.subject,
        record=r.data.model_dump(mode="json"),
        occurred_on=r.occurred_on,
        reported_on=r.reported_on,
    )
