"""Bulk imports of trainees and attendance, reported row by row."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from traintrack.contracts.vocabulary import TraineeStatus
from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.commands import (
    ImportAttendance,
    ImportTrainees,
    RecordAttendance,
)
from traintrack.enrollment.domain import attendance as rules
from traintrack.enrollment.domain import onboarding
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.reports import ImportReport, RowError
from traintrack.enrollment.handlers._common import UoW
from traintrack.enrollment.handlers.attendance import record_attendance
from traintrack.platform.errors import Rejected

IMPORT_CHUNK = 5000  # rows decided and written per round of a bulk import


async def import_trainees(cmd: ImportTrainees, uow: UoW) -> onboarding.OnboardResult:
    """Every row registered and enrolled, found imported before, or refused, in row order;
    one import per institute at a time."""
    institute_id = cmd.actor.own_institute()
    await uow.trainees.lock_imports_of(institute_id)
    result = onboarding.OnboardResult(errors=list(cmd.refused))
    for start in range(0, len(cmd.rows), IMPORT_CHUNK):
        await _onboard(uow, cmd.actor, cmd.rows[start : start + IMPORT_CHUNK], result)
    result.done.sort(key=lambda d: d.row)
    result.errors.sort(key=lambda e: e.row)
    return result


async def _onboard(
    uow: UoW,
    actor: Actor,
    rows: tuple[onboarding.OnboardRow, ...],
    result: onboarding.OnboardResult,
) -> None:
    institute_id = actor.own_institute()
    state = await _known(uow, institute_id, rows)
    now = datetime.now(UTC)
    for row in rows:
        try:
            done = onboarding.decide(row, institute_id, state, now)
        except Rejected as refused:
            result.errors.append(RowError(row.number, refused.field or "ref", refused.detail))
        else:
            if done is not None:
                result.done.append(done)
    await uow.trainees.add_many(state.trainees, by=actor.name)
    await uow.trainees.add_refs(institute_id, state.new_refs)
    made = await uow.enrollments.add_many([e for _, _, e, _ in state.enrollments])
    uow.emit(*(events.trainee_registered(t) for t in state.trainees))
    uow.emit(
        *(
            events.trainee_enrolled(enrollment, TraineeStatus(status))
            for _, _, enrollment, status in state.enrollments
            if enrollment.enrollment_id in made
        )
    )
    made_now, lost = onboarding.settle(state, made)
    result.done += made_now
    result.errors += lost


async def _known(
    uow: UoW, institute_id: str, rows: tuple[onboarding.OnboardRow, ...]
) -> onboarding.Batch:
    """What the store knows of the rows' cohorts (locked: seats in row order) and refs."""
    cohort_ids = sorted({r.cohort_id for r in rows})
    cohorts = {
        c.cohort_id: c
        for c in (await uow.catalogue.cohorts_by_id(cohort_ids, lock=True)).values()
        if c.institute_id == institute_id
    }
    refs = await uow.trainees.known_refs(institute_id, sorted({r.ref for r in rows}))
    return onboarding.Batch(
        refs,
        cohorts,
        await uow.enrollments.seats_taken(sorted(cohorts)),
        await uow.enrollments.of_trainees(sorted({k.trainee_id for k in refs.values()})),
    )


async def import_attendance(
    cmd: ImportAttendance, uow: UoW, *, warn_below: Fraction = rules.WARNING_MARGIN
) -> ImportReport:
    """Good rows kept, bad rows reported with their number in the CSV."""
    report = ImportReport(errors=list(cmd.refused))
    for start in range(0, len(cmd.rows), IMPORT_CHUNK):
        chunk = cmd.rows[start : start + IMPORT_CHUNK]
        days = RecordAttendance(cmd.actor, tuple(day for _, day in chunk))
        result = await record_attendance(days, uow, warn_below=warn_below)
        numbers = [n for n, _ in chunk]
        report.errors += [RowError(numbers[e.row - 1], e.field, e.message) for e in result.errors]
        report.accepted += result.accepted
    report.errors.sort(key=lambda e: e.row)
    return report
