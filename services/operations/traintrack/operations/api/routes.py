"""The operator API: journeys, lag, dead letters and their repair. Operators only, except
the health page and its metrics (counts, no message contents), public like /metrics."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

import asyncpg
import httpx
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from traintrack.contracts.topics import ALL_TOPICS
from traintrack.operations import deadletters, health, pipeline
from traintrack.operations.journey import journey
from traintrack.operations.page import render_page
from traintrack.operations.settings import OperationsSettings
from traintrack.platform.errors import Conflict, NotFound, Rejected
from traintrack.platform.web import audit
from traintrack.platform.web.auth import Principal, Role, requires
from traintrack.platform.web.models import RequestModel

router = APIRouter(tags=["operations"])
OperatorKey = Annotated[Principal, Depends(requires(Role.OPERATOR))]
PUBLIC = {"x-public": True}
VIEWS = {
    "enrollment": "/v1/trainees/{id}",
    "evaluation": "/v1/trainees/{id}/stages",
    "matching": "/v1/candidates/{id}",
    "outcomes": "/v1/trainees/{id}",
}


def _settings(request: Request) -> OperationsSettings:
    settings: OperationsSettings = request.app.state.settings
    return settings


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


SettingsDep = Annotated[OperationsSettings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]


TraineeId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


def _dlq_topic(topic: str | None) -> list[str] | None:
    """A DLQ topic of the platform, or none (all of them)."""
    if topic is None:
        return None
    if topic not in {t.dlq for t in ALL_TOPICS}:
        raise Rejected("not a dead-letter topic of the platform", field="topic")
    return [topic]


@router.get("/v1/journeys/{trainee_id}")
async def trainee_journey(
    trainee_id: TraineeId, request: Request, settings: SettingsDep, _: OperatorKey
) -> dict[str, Any]:
    """Every event about the trainee on every topic (dead letters too), in order, with its
    trace id and a Zipkin link; and each service's current view of the trainee (fetched
    with the caller's own key)."""
    events = await journey(settings.kafka_bootstrap, trainee_id)
    key = {"X-API-Key": request.headers.get("X-API-Key", "")}

    async def view(client: httpx.AsyncClient, service: str) -> dict[str, Any]:
        url = settings.service_urls[service] + VIEWS[service].format(id=trainee_id)
        try:
            response = await client.get(url, headers=key, timeout=5)
        except httpx.HTTPError as exc:
            return {"status": None, "error": type(exc).__name__}
        body = (
            response.json() if response.headers.get("content-type", "").endswith("json") else None
        )
        return {"status": response.status_code, "view": body}

    async with httpx.AsyncClient() as client:
        views = await asyncio.gather(*(view(client, s) for s in VIEWS))
    return {
        "trainee_id": trainee_id,
        "events": [
            e.__dict__
            | {"trace": f"{settings.zipkin_url}/zipkin/traces/{e.trace_id}" if e.trace_id else None}
            for e in events
        ],
        "views": dict(zip(VIEWS, views, strict=True)),
    }


@router.get("/v1/lag")
async def consumer_lag(settings: SettingsDep, _: OperatorKey) -> list[dict[str, Any]]:
    """Per consumer, topic and partition: committed offset, end offset, lag."""
    rows = await pipeline.lag(settings.kafka_bootstrap, settings.consumer_groups)
    return [r.__dict__ | {"lag": r.lag} for r in rows]


class DeadLetterOut(BaseModel):
    ref: str
    topic: str
    partition: int
    offset: int
    consumer: str
    reason: str
    error_class: str
    original: str
    failed_at: datetime | None
    event_type: str | None
    event_id: str | None
    key: str | None
    status: str = Field(description="dead, replayed or discarded")


class DeadLetterDetail(DeadLetterOut):
    value: str
    headers: dict[str, str]


async def _statuses(pool: asyncpg.Pool) -> dict[str, str]:
    rows = await pool.fetch(
        "SELECT action, target FROM audit_log WHERE action IN ('dlq.replay', 'dlq.discard') "
        "ORDER BY audit_id"
    )
    return {r["target"]: r["action"].removeprefix("dlq.") + "ed" for r in rows}


def _out(letter: deadletters.DeadLetter, statuses: dict[str, str]) -> dict[str, Any]:
    fields = DeadLetterOut.model_fields.keys() - {"ref", "status"}
    return {k: getattr(letter, k) for k in fields} | {
        "ref": letter.ref,
        "status": statuses.get(letter.ref, "dead"),
    }


@router.get("/v1/dead-letters")
async def list_dead_letters(
    settings: SettingsDep,
    pool: PoolDep,
    _: OperatorKey,
    topic: str | None = None,
    consumer: str | None = None,
    status: Annotated[str | None, Query(pattern="^(dead|replayed|discarded)$")] = None,
) -> list[DeadLetterOut]:
    """Dead letters with their reason, consumer, original place and status."""
    letters = await deadletters.read(settings.kafka_bootstrap, _dlq_topic(topic))
    statuses = await _statuses(pool)
    found = [DeadLetterOut(**_out(d, statuses)) for d in letters]
    return [d for d in found if consumer in (None, d.consumer) and status in (None, d.status)]


async def _letter(
    settings: OperationsSettings, topic: str, partition: int, offset: int
) -> deadletters.DeadLetter:
    if topic not in {t.dlq for t in ALL_TOPICS} or partition < 0 or offset < 0:
        raise NotFound(f"dead letter {topic}/{partition}/{offset}")
    found = await deadletters.find(settings.kafka_bootstrap, topic, partition, offset)
    if found is None:
        raise NotFound(f"dead letter {topic}/{partition}/{offset}")
    return found


@router.get("/v1/dead-letters/{topic}/{partition}/{offset}")
async def show_dead_letter(
    topic: str, partition: int, offset: int, settings: SettingsDep, pool: PoolDep, _: OperatorKey
) -> DeadLetterDetail:
    """One dead letter whole: its headers and (the first 2,000 bytes of) its value."""
    letter = await _letter(settings, topic, partition, offset)
    headers = {k: v.decode(errors="replace") for k, v in letter.headers}
    return DeadLetterDetail(
        **_out(letter, await _statuses(pool)), value=letter.value, headers=headers
    )


@router.post("/v1/dead-letters/{topic}/{partition}/{offset}/replay")
async def replay_dead_letter(
    topic: str,
    partition: int,
    offset: int,
    request: Request,
    settings: SettingsDep,
    pool: PoolDep,
    principal: OperatorKey,
) -> DeadLetterOut:
    """Send the original record back to its topic (after a fix). Consumers that applied it
    already skip it; replaying again changes nothing more."""
    letter = await _letter(settings, topic, partition, offset)
    await _replay(settings, pool, principal, [letter])
    return DeadLetterOut(**_out(letter, await _statuses(pool)))


async def _replay(
    settings: OperationsSettings,
    pool: asyncpg.Pool,
    principal: Principal,
    letters: list[deadletters.DeadLetter],
) -> None:
    """Resend each letter, and put each on record as it goes."""
    producer = deadletters.producer(settings.kafka_bootstrap)
    await producer.start()
    try:
        for letter in letters:
            await deadletters.resend(producer, letter)
            await audit.record(
                pool,
                principal,
                action="dlq.replay",
                target=letter.ref,
                outcome=200,
                detail={"event_id": letter.event_id, "to": letter.original},
            )
    finally:
        await producer.stop()


class Discard(RequestModel):
    reason: str = Field(min_length=3, max_length=500, description="Why it is set aside.")


@router.post("/v1/dead-letters/{topic}/{partition}/{offset}/discard")
async def discard_dead_letter(
    topic: str,
    partition: int,
    offset: int,
    body: Discard,
    settings: SettingsDep,
    pool: PoolDep,
    principal: OperatorKey,
) -> DeadLetterOut:
    """Set a dead letter aside for good, with the reason on record."""
    letter = await _letter(settings, topic, partition, offset)
    statuses = await _statuses(pool)
    if statuses.get(letter.ref) == "discarded":
        raise Conflict(f"{letter.ref} is discarded already")
    await audit.record(
        pool,
        principal,
        action="dlq.discard",
        target=letter.ref,
        outcome=200,
        detail={"reason": body.reason, "event_id": letter.event_id},
    )
    return DeadLetterOut(**_out(letter, await _statuses(pool)))


@router.post("/v1/dead-letters/replay")
async def replay_all(
    settings: SettingsDep,
    pool: PoolDep,
    principal: OperatorKey,
    topic: str | None = None,
    consumer: str | None = None,
) -> dict[str, int]:
    """Replay every dead letter still dead (of one DLQ topic, or one consumer)."""
    letters = await deadletters.read(settings.kafka_bootstrap, _dlq_topic(topic))
    statuses = await _statuses(pool)
    chosen = [d for d in letters if d.ref not in statuses and consumer in (None, d.consumer)]
    await _replay(settings, pool, principal, chosen)
    return {"replayed": len(chosen)}


@router.get("/ops", response_class=HTMLResponse, openapi_extra=PUBLIC)
async def ops_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Pipeline health for people: lag, dead letters, last errors, outboxes, rates."""
    state = await health.snapshot(settings, request.app.state.rates)
    return HTMLResponse(render_page(state))


@router.get("/metrics/pipeline", openapi_extra=PUBLIC)
async def pipeline_metrics(request: Request, settings: SettingsDep) -> Response:
    """Prometheus: consumer lag and committed offsets, DLQ sizes, last dead letter per
    consumer, each service's outbox backlog and age."""
    state = await health.snapshot(settings, request.app.state.rates)
    return Response(health.prometheus(state), media_type="text/plain; version=0.0.4")


@router.get("/v1/health")
async def pipeline_health(
    request: Request, settings: SettingsDep, _: OperatorKey
) -> dict[str, Any]:
    """The operator page's figures as JSON: consumers (lag, events/s, last dead letter),
    dead letters per topic, each service's outbox backlog and age."""
    state = await health.snapshot(settings, request.app.state.rates)
    return {k: v for k, v in state.items() if k != "partitions"}
