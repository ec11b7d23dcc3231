"""The outcomes service's handlers: one per command, each in one unit of work. Who may
report on whom is decided here."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from traintrack.contracts.outcomes import OutcomeReported
from traintrack.outcomes import commands as c
from traintrack.outcomes.adapters import history
from traintrack.outcomes.adapters.mapping import history_record_imported, imported_fact, kind_of
from traintrack.outcomes.adapters.uow import OutcomesUnitOfWork
from traintrack.platform.errors import NotFound, Rejected
from traintrack.platform.web.auth import Principal, Role


async def record_facts(command: c.RecordFacts, uow: OutcomesUnitOfWork) -> None:
    await uow.facts.add(command.facts)


async def record_registrations(command: c.RecordRegistrations, uow: OutcomesUnitOfWork) -> None:
    await uow.facts.add(command.facts)
    await uow.trainees.add_trainees(command.trainees)


async def record_enrollments(command: c.RecordEnrollments, uow: OutcomesUnitOfWork) -> None:
    await uow.facts.add(command.facts)
    await uow.trainees.add_enrollments(command.enrollments)


@dataclass(frozen=True)
class Reported:
    report_id: str
    trainee_id: str
    kind: str
    reported_by: str


async def report_outcome(command: c.ReportOutcome, uow: OutcomesUnitOfWork) -> Reported:
    await _may_report(uow, command.actor, command.trainee_id)
    if command.corrects and await uow.facts.subject_of_report(command.corrects) != (
        command.trainee_id
    ):
        raise Rejected("no report of this trainee has that id", field="corrects")
    event = OutcomeReported(
        **{k: v for k, v in asdict(command).items() if k != "actor"},
        report_id=f"rep-{uuid.uuid4().hex[:16]}",
        reported_by=command.actor.role.value,
        reporter_id=command.actor.tenant,
        reported_at=datetime.now(UTC),
    )
    [event_id] = uow.emit(event)
    # The fact is kept now, under the event's id and time (the outbox's: this transaction's
    # now()): when the worker reads the event back it finds it kept.
    data = event.model_dump(mode="json")
    await uow.facts.add_known_now(event_id, kind_of(event.type), event.trainee_id, data)
    return Reported(event.report_id, event.trainee_id, event.kind, event.reported_by)


async def _may_report(uow: OutcomesUnitOfWork, actor: Principal, trainee_id: str) -> None:
    """Institutes report on their own trainees, firms on those they hired, operators on all.
    Anyone else learns nothing, not even that the trainee exists."""
    institute = await uow.facts.institute_of(trainee_id)
    allowed = institute is not None and (
        actor.role is Role.OPERATOR
        or (actor.role is Role.INSTITUTE and institute == actor.tenant)
        or (actor.role is Role.FIRM and await uow.facts.hired_by(trainee_id, actor.tenant))
    )
    if not allowed:
        raise NotFound(f"trainee {trainee_id}")


@dataclass
class ImportResult:
    import_id: str
    records: int = 0
    imported: int = 0
    already_known: int = 0
    errors: list[history.BadRecord] = field(default_factory=list)


async def import_history(command: c.ImportHistory, uow: OutcomesUnitOfWork) -> ImportResult:
    """Check every record; keep the good ones as facts (known from the day they were
    first reported) and as events. A record imported before (by this import or an
    earlier one) changes nothing."""
    rows = list(history.read(command.text, "text/csv" if command.format == "csv" else "jsonl"))
    whole = [r for r in rows if isinstance(r, history.BadRecord) and r.field in ("header", "body")]
    if whole:
        raise Rejected(whole[0].message, field=whole[0].field)
    result = ImportResult(import_id=f"imp-{uuid.uuid4().hex[:16]}")
    good = _checked(rows, result)
    # Two imports of the same records at once (a retry after a client timeout) take turns:
    # the second finds them known instead of writing their event ids a second time.
    await uow.facts.wait_for_import_turn()
    known = await uow.facts.data_of(list(good))
    live = await _live_ids(uow, list(good.values()))
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
    events = [history_record_imported(result.import_id, command.actor.tenant, r) for r in fresh]
    ids = uow.emit(*events, ids=[r.event_id for r in fresh])
    await uow.facts.add([imported_fact(i, e) for i, e in zip(ids, events, strict=True)])
    result.imported = len(fresh)
    return result


def _checked(
    rows: list[tuple[int, dict[str, Any]] | history.BadRecord], result: ImportResult
) -> dict[str, history.Record]:
    """The good records by event id; the bad ones and repeats go to `result.errors`."""
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
    return good


async def _live_ids(uow: OutcomesUnitOfWork, records: list[history.Record]) -> set[str]:
    """Cohort and enrollment ids the live platform announced (history must not rewrite
    what its services own)."""
    cohorts = [r.subject for r in records if r.kind == "cohort"]
    trainees = [r.subject for r in records if r.kind != "cohort"]
    return await uow.facts.live_cohorts(cohorts) | await uow.facts.live_enrollments(trainees)


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


HANDLERS: dict[type, Callable[[Any, OutcomesUnitOfWork], Awaitable[Any]]] = {
    c.RecordFacts: record_facts,
    c.RecordRegistrations: record_registrations,
    c.RecordEnrollments: record_enrollments,
    c.ReportOutcome: report_outcome,
    c.ImportHistory: import_history,
}
