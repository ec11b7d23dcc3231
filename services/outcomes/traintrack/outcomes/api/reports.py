"""Outcome reports from institutes, firms and operators."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from traintrack.outcomes import handlers
from traintrack.outcomes.api.deps import PoolDep, ReporterKey
from traintrack.outcomes.api.schemas import OutcomeReportIn, OutcomeReportOut
from traintrack.platform.errors import Rejected
from traintrack.platform.web import idempotency
from traintrack.platform.web.idempotency import IdempotencyKey

router = APIRouter(prefix="/v1", tags=["outcomes"])


@router.post(
    "/outcome-reports", status_code=status.HTTP_201_CREATED, response_model=OutcomeReportOut
)
async def report_outcome(
    body: OutcomeReportIn,
    request: Request,
    pool: PoolDep,
    principal: ReporterKey,
    idempotency_key: IdempotencyKey = None,
) -> OutcomeReportOut | JSONResponse:
    """What became of a trainee: employed (employer, start, insured, type, earnings if
    known), a start-up, further study, not employed, or an exclusion. The trainee's
    institute reports; a firm reports on those it hired; operators on anyone. A report
    with `corrects` replaces an earlier one from now on (figures as known before stay).
    Send an `Idempotency-Key` to retry safely: the same key returns the first report."""
    missing = body.missing()
    if missing:
        raise Rejected(missing[1], field=missing[0])

    async def report() -> OutcomeReportOut:
        event = await handlers.report_outcome(conn, principal, body.model_dump())
        return OutcomeReportOut(
            report_id=event.report_id,
            trainee_id=event.trainee_id,
            kind=event.kind,
            reported_by=event.reported_by,
        )

    async with pool.acquire() as conn, conn.transaction():
        return await idempotency.once(request, conn, idempotency_key, body, report)
