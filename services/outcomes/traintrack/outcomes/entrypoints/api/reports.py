"""Outcome reports from institutes, firms and operators."""

from __future__ import annotations

from fastapi import APIRouter, status

from traintrack.outcomes.commands import ReportOutcome
from traintrack.outcomes.entrypoints.api.deps import Bus, ReporterKey
from traintrack.outcomes.entrypoints.api.schemas import OutcomeReportIn, OutcomeReportOut
from traintrack.outcomes.handlers import Reported
from traintrack.platform.errors import Rejected
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["outcomes"])


@router.post(
    "/outcome-reports",
    status_code=status.HTTP_201_CREATED,
    response_model=OutcomeReportOut,
    responses=errors(404),
)
async def report_outcome(
    body: OutcomeReportIn, bus: Bus, principal: ReporterKey
) -> OutcomeReportOut:
    """What became of a trainee: employed (employer, start, insured, type, earnings if
    known), a start-up, further study, not employed, or an exclusion. The trainee's
    institute reports; a firm reports on those it hired; operators on anyone. A report
    with `corrects` replaces an earlier one from now on (figures as known before stay).
    Send an `Idempotency-Key` to retry safely: the same key returns the first report."""
    missing = body.missing()
    if missing:
        raise Rejected(missing[1], field=missing[0])
    answer: Reported = await bus.handle(ReportOutcome(principal, **body.model_dump()))
    return OutcomeReportOut(
        report_id=answer.report_id,
        trainee_id=answer.trainee_id,
        kind=answer.kind,
        reported_by=answer.reported_by,
    )
