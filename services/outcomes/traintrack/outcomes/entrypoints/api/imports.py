"""History import: a programme's earlier years, brought in by an operator."""

from __future__ import annotations

from fastapi import APIRouter, Request

from traintrack.outcomes.commands import ImportHistory
from traintrack.outcomes.entrypoints.api.deps import Bus, OperatorKey
from traintrack.outcomes.entrypoints.api.schemas import HistoryImportReport, RecordError
from traintrack.outcomes.handlers import ImportResult
from traintrack.platform.errors import Rejected, UnsupportedMedia
from traintrack.platform.web.openapi import errors

router = APIRouter(prefix="/v1", tags=["imports"])
MEDIA_TYPES = {"application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "text/csv": "csv"}


_BODY = {
    "requestBody": {
        "required": True,
        "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES},
    }
}


@router.post("/imports/history", openapi_extra=_BODY, responses=errors(415))
async def import_history(request: Request, bus: Bus, principal: OperatorKey) -> HistoryImportReport:
    """Import a programme's history (operators): JSON lines or CSV, one record a line —
    `record` (cohort, enrollment, completion, drop_out, not_completed, survey,
    outcome_report), `reported_on` (when the programme first learnt it) and the fields of
    the event it stands for. Figures as known on a date count a record from its
    `reported_on`; lineage marks it imported. Importing the same records again changes
    nothing; bad records are reported by line and field and the good ones kept."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise UnsupportedMedia(f"send {' or '.join(MEDIA_TYPES)}", field="content-type")
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Rejected("the file is not UTF-8", field="body") from error
    command = ImportHistory(principal, text, "csv" if MEDIA_TYPES[media] == "csv" else "jsonl")
    result: ImportResult = await bus.handle(command)
    return HistoryImportReport(
        import_id=result.import_id,
        records=result.records,
        imported=result.imported,
        already_known=result.already_known,
        rejected=len(result.errors),
        errors=[RecordError(line=e.line, field=e.field, message=e.message) for e in result.errors],
    )
