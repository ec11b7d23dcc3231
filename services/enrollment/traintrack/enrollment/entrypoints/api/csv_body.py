"""CSV request bodies of the bulk imports: size, encoding, and how OpenAPI shows them."""

from __future__ import annotations

import io

from fastapi import Request

from traintrack.platform.errors import Rejected, TooLarge

MAX_IMPORT_BYTES = 32 * 1024 * 1024
CSV_BODY = {
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
}


async def read_csv(request: Request) -> str:
    """The body as text, refused when too large or not UTF-8 (a BOM is dropped)."""
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise TooLarge(f"at most {MAX_IMPORT_BYTES} bytes per import", field="body")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Rejected("the CSV is not UTF-8", field="body") from error


def csv_lines(text: str) -> list[str]:
    """csv's own line ends: str.splitlines would also split inside a field at U+2028, a
    form feed and other separators."""
    return io.StringIO(text, newline="").readlines()
