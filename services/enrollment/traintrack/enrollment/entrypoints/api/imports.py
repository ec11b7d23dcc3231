"""Bulk onboarding from CSV: institutes register trainees and enroll them, thousands a
second (the personal details stay here; events carry pseudonymous ids)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from fastapi import APIRouter, Request
from pydantic import ValidationError

from traintrack.enrollment.commands import ImportTrainees, today
from traintrack.enrollment.domain.onboarding import OnboardRow
from traintrack.enrollment.domain.reports import RowError
from traintrack.enrollment.domain.trainees import Person
from traintrack.enrollment.entrypoints.api.csv_body import CSV_BODY, csv_lines, read_csv
from traintrack.enrollment.entrypoints.api.deps import Bus, InstituteActor
from traintrack.enrollment.entrypoints.api.schemas import (
    ImportedTrainee,
    RowErrorPublic,
    TraineeImportReport,
    TraineeImportRow,
)
from traintrack.platform.errors import Rejected

router = APIRouter(prefix="/v1", tags=["imports"])
REQUIRED = ("ref", "name", "birth_year", "region_code", "status", "cohort_id")
COLUMNS = (*REQUIRED, "email", "phone", "consent_share_with_firms", "applied_on")
PERSON = (
    "birth_year",
    "region_code",
    "status",
    "consent_share_with_firms",
    "name",
    "email",
    "phone",
)


@router.post("/imports/trainees", openapi_extra=CSV_BODY)
async def import_trainees(request: Request, bus: Bus, actor: InstituteActor) -> TraineeImportReport:
    """Register and enroll trainees from CSV (columns: ref, name, birth_year, region_code,
    status, cohort_id; optional email, phone, consent_share_with_firms, applied_on). `ref`
    is the institute's own reference for the person: a row whose ref and cohort were
    imported before is reported as existing, not imported twice, so a failed or corrected
    import is simply sent again. Good rows are kept, bad rows reported by row and column;
    seats are taken in row order."""
    lines = csv_lines(await read_csv(request))
    rows: list[OnboardRow] = []
    bad: list[RowError] = []
    try:
        for row in _parse(lines):
            if isinstance(row, RowError):
                bad.append(row)
            else:
                rows.append(row)
    except csv.Error as error:  # e.g. a field beyond the csv module's size limit
        raise Rejected(f"unreadable CSV: {error}", field="body") from error
    if bad and bad[0].row == 0:
        raise Rejected(bad[0].message, field=bad[0].field)
    report = await bus.handle(ImportTrainees(actor, tuple(rows), tuple(bad)))
    return TraineeImportReport(
        rows=report.rows,
        accepted=report.accepted,
        existing=report.existing,
        rejected=report.rejected,
        errors=[RowErrorPublic(row=e.row, field=e.field, message=e.message) for e in report.errors],
        trainees=[
            ImportedTrainee(
                row=d.row,
                ref=d.ref,
                trainee_id=d.trainee_id,
                enrollment_id=d.enrollment_id,
                status="created" if d.created else "existing",
            )
            for d in report.done
        ],
    )


def _parse(lines: list[str]) -> Iterator[OnboardRow | RowError]:
    """Row 1 is the first after the header; a header lacking a required column is row 0."""
    reader = csv.DictReader(lines)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        yield RowError(0, missing[0], f"the header lacks column(s) {', '.join(missing)}")
        return
    day = today()
    for number, raw in enumerate(reader, start=1):
        values = {k: v.strip() for k, v in raw.items() if k in COLUMNS and v and v.strip()}
        try:
            row = TraineeImportRow.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            yield RowError(number, field, first["msg"])
            continue
        person = Person(**row.model_dump(include=set(PERSON)))
        yield OnboardRow(number, row.ref, row.cohort_id, row.applied_on or day, person)
