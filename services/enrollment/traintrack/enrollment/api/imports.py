"""Bulk onboarding from CSV: institutes register trainees and enroll them, thousands a
second (the personal details stay here; events carry pseudonymous ids)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fastapi import APIRouter, Request
from pydantic import ValidationError

from traintrack.enrollment import handlers, onboarding
from traintrack.enrollment.api.deps import InstituteActor, PoolDep
from traintrack.enrollment.api.schemas import (
    ImportedTrainee,
    RowErrorPublic,
    TraineeImportReport,
    TraineeImportRow,
)
from traintrack.enrollment.commands import RegisterTrainee
from traintrack.platform.errors import Rejected, TooLarge

router = APIRouter(prefix="/v1", tags=["imports"])
MAX_IMPORT_BYTES = 32 * 1024 * 1024
CHUNK = 5000
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


@router.post(
    "/imports/trainees",
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
async def import_trainees(
    request: Request, pool: PoolDep, actor: InstituteActor
) -> TraineeImportReport:
    """Register and enroll trainees from CSV (columns: ref, name, birth_year, region_code,
    status, cohort_id; optional email, phone, consent_share_with_firms, applied_on). `ref`
    is the institute's own reference for the person: a row whose ref and cohort were
    imported before is reported as existing, not imported twice, so a failed or corrected
    import is simply sent again. Good rows are kept, bad rows reported by row and column;
    seats are taken in row order."""
    lines = await _lines(request)
    parsed: list[onboarding.OnboardRow] = []
    errors: list[RowErrorPublic] = []
    try:
        for row in _parse(lines):
            if isinstance(row, RowErrorPublic):
                errors.append(row)
            else:
                parsed.append(row)
    except csv.Error as error:  # e.g. a field beyond the csv module's size limit
        raise Rejected(f"unreadable CSV: {error}", field="body") from error
    if errors and errors[0].row == 0:
        raise Rejected(errors[0].message, field=errors[0].field)
    done: list[onboarding.Onboarded] = []
    async with pool.acquire() as conn, conn.transaction():
        for start in range(0, len(parsed), CHUNK):
            result = await onboarding.onboard(parsed[start : start + CHUNK], actor, conn)
            done += result.done
            errors += [
                RowErrorPublic(row=e.row, field=e.field, message=e.message) for e in result.errors
            ]
    errors.sort(key=lambda e: e.row)
    created = sum(d.created for d in done)
    return TraineeImportReport(
        rows=len(done) + len(errors),
        accepted=created,
        existing=len(done) - created,
        rejected=len(errors),
        errors=errors,
        trainees=[
            ImportedTrainee(
                row=d.row,
                ref=d.ref,
                trainee_id=d.trainee_id,
                enrollment_id=d.enrollment_id,
                status="created" if d.created else "existing",
            )
            for d in done
        ],
    )


async def _lines(request: Request) -> list[str]:
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise TooLarge(f"at most {MAX_IMPORT_BYTES} bytes per import", field="body")
    try:
        # csv's own line ends: str.splitlines would also split inside a field at U+2028,
        # a form feed and other separators
        return io.StringIO(body.decode("utf-8-sig"), newline="").readlines()
    except UnicodeDecodeError as error:
        raise Rejected("the CSV is not UTF-8", field="body") from error


def _parse(lines: list[str]) -> Iterator[onboarding.OnboardRow | RowErrorPublic]:
    """Row 1 is the first after the header; a header lacking a required column is row 0."""
    reader = csv.DictReader(lines)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        message = f"the header lacks column(s) {', '.join(missing)}"
        yield RowErrorPublic(row=0, field=missing[0], message=message)
        return
    today = handlers.today()
    for number, raw in enumerate(reader, start=1):
        values = {k: v.strip() for k, v in raw.items() if k in COLUMNS and v and v.strip()}
        try:
            row = TraineeImportRow.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            yield RowErrorPublic(row=number, field=field, message=first["msg"])
            continue
        person = RegisterTrainee(**row.model_dump(include=set(PERSON)))
        yield onboarding.OnboardRow(number, row.ref, row.cohort_id, row.applied_on or today, person)
