"""History import: a programme's earlier years, brought in by an operator."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from traintrack.outcomes import handlers, history
from traintrack.outcomes.api.deps import OperatorKey, PoolDep
from traintrack.platform.errors import Rejected, UnsupportedMedia

router = APIRouter(prefix="/v1", tags=["imports"])
MEDIA_TYPES = {"application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "text/csv": "csv"}


class RecordError(BaseModel):
    line: int
    field: str
    message: str


class HistoryImportReport(BaseModel):
    import_id: str
    records: int
    imported: int = Field(description="Records new to the platform, kept now.")
    already_known: int = Field(description="Records imported before: nothing changed.")
    rejected: int
    errors: list[RecordError]


_BODY = {
    "requestBody": {
        "required": True,
        "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES},
    }
}


@router.post("/imports/history", openapi_extra=_BODY)
async def import_history(
    request: Request, pool: PoolDep, principal: OperatorKey
) -> HistoryImportReport:
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
    rows = list(history.read(text, "text/csv" if MEDIA_TYPES[media] == "csv" else "jsonl"))
    header = [r for r in rows if isinstance(r, history.BadRecord) and r.field in ("header", "body")]
    if header:
        raise Rejected(header[0].message, field=header[0].field)
    async with pool.acquire() as conn, conn.transaction():
        result = await handlers.import_history(conn, principal, rows)
    return HistoryImportReport(
        import_id=result.import_id,
        records=result.records,
        imported=result.imported,
        already_known=result.already_known,
        rejected=len(result.errors),
        errors=[RecordError(line=e.line, field=e.field, message=e.message) for e in result.errors],
    )
