"""What the other services say over HTTP: their view of a trainee (asked with the
operator's own key, so each service applies its own rules) and their outbox backlog."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

# Where each service shows a trainee.
TRAINEE_VIEWS = {
    "enrollment": "/v1/trainees/{id}",
    "evaluation": "/v1/trainees/{id}/stages",
    "matching": "/v1/candidates/{id}",
    "outcomes": "/v1/trainees/{id}",
}


async def trainee_views(
    urls: dict[str, str], trainee_id: str, api_key: str
) -> dict[str, dict[str, Any]]:
    """Each service's answer about the trainee: its status and body, or the error met."""
    key = {"X-API-Key": api_key}

    async def view(client: httpx.AsyncClient, service: str) -> dict[str, Any]:
        url = urls[service] + TRAINEE_VIEWS[service].format(id=trainee_id)
        try:
            response = await client.get(url, headers=key, timeout=5)
        except httpx.HTTPError as exc:
            return {"status": None, "error": type(exc).__name__}
        body = (
            response.json() if response.headers.get("content-type", "").endswith("json") else None
        )
        return {"status": response.status_code, "view": body}

    async with httpx.AsyncClient() as client:
        views = await asyncio.gather(*(view(client, s) for s in TRAINEE_VIEWS))
    return dict(zip(TRAINEE_VIEWS, views, strict=True))


async def outbox_backlogs(urls: dict[str, str]) -> dict[str, dict[str, float | None]]:
    """Each service's outbox backlog and age, from its /metrics."""

    async def one(client: httpx.AsyncClient, url: str) -> dict[str, float | None]:
        try:
            text = (await client.get(f"{url}/metrics", timeout=3)).text
        except httpx.HTTPError:
            return {"unsent": None, "oldest_age_seconds": None}
        values = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}
        return {
            "unsent": values.get("outbox_unsent_events"),
            "oldest_age_seconds": values.get("outbox_oldest_unsent_age_seconds"),
        }

    async with httpx.AsyncClient() as client:
        found = await asyncio.gather(*(one(client, u) for u in urls.values()))
    return dict(zip(urls, found, strict=True))
