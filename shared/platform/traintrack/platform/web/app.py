"""The FastAPI app every service serves: lifespan (pool, migrations, outbox relay),
problem+json errors, API-key auth, /healthz, /readyz, /metrics, tracing."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute
from opentelemetry import context as otel_context
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel

from traintrack.contracts.topics import used_by
from traintrack.platform.bus import Replayed
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging import admin, outbox, pruning
from traintrack.platform.polling import Polls, untraced
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web import audit, idempotency, in_hand, openapi, parameters, problems
from traintrack.platform.web.auth import Keyring, Principal, Role, requires
from traintrack.platform.web.json_bodies import StrictJson
from traintrack.platform.web.keyed import KeyedRequests
from traintrack.platform.web.models import MomentQuery
from traintrack.platform.web.unsampled import QuietWhenUnsampled

log = logging.getLogger(__name__)
PRUNING_LOOP = "table-pruning"
Background = Callable[[asyncpg.Pool, Polls], Coroutine[Any, Any, None]]


class HttpMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "http_requests", "HTTP requests served", labels, registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
        )
        self.outbox_unsent = Gauge(
            "outbox_unsent_events", "Outbox rows not yet published", registry=self.registry
        )
        self.outbox_age = Gauge(
            "outbox_oldest_unsent_age_seconds",
            "Age of the oldest unpublished outbox row",
            registry=self.registry,
        )
        self.table_rows = Gauge(
            "table_rows_estimate",
            "Rows of the outbox, inbox, idempotency and audit tables (planner estimate)",
            ["table"],
            registry=self.registry,
        )
        self.table_bytes = Gauge(
            "table_bytes",
            "Bytes of each of those tables with its indexes",
            ["table"],
            registry=self.registry,
        )
        self.polls = Polls(self.registry)  # the background loops', counted rather than traced


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, bool]


def create_service_app(
    *,
    service: str,
    description: str,
    settings: ServiceSettings,
    migrations: Path | None,
    routers: Sequence[APIRouter],
    on_startup: Callable[[asyncpg.Pool], Awaitable[None]] | None = None,
    background: Sequence[Background] = (),
) -> FastAPI:
    """`background` coroutines run beside the relay for the app's lifetime, given the pool
    and the app's `Polls` (which keeps a loop going through its errors and counts its
    polls on /metrics); they are cancelled at shutdown."""
    metrics = HttpMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(
            settings.database_url, migrations=migrations, max_size=settings.db_pool_max
        )
        if on_startup is not None:
            await on_startup(pool)
        relay = outbox.OutboxRelay(
            pool=pool, kafka=settings.kafka, topics=used_by(service), polls=metrics.polls
        )
        await relay.start()
        app.state.pool, app.state.relay = pool, relay
        tasks = [asyncio.create_task(work(pool, metrics.polls)) for work in background]
        tasks.append(asyncio.create_task(_keep_tables_bounded(pool, settings, metrics.polls)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await relay.stop()
            await pool.close()

    app = FastAPI(
        title=f"traintrack {service}",
        description=description,
        version="1",
        lifespan=lifespan,
        # Every route's path and query parameters, checked before its own (parameters.py).
        dependencies=[Depends(parameters.checked_parameters)],
    )
    app.state.settings = settings
    app.state.keyring = Keyring(settings.keyring_file)
    problems.install(app)
    app.add_middleware(StrictJson)  # innermost: metrics and audit see what it refuses
    _add_operational_routes(app, metrics)
    _add_request_metrics(app, metrics)
    _add_audit(app)
    audit.add_personal_read_audit(app)
    for router in routers:
        app.include_router(router)
    _add_idempotency(app)
    openapi.install(app)
    app.add_middleware(QuietWhenUnsampled)  # outermost of ours, inside the instrumentation
    # Without its "http receive" and "http send" spans: the server span says it all.
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"]
    )
    # Outside everything, the instrumentation's own middleware included (it wraps the
    # stack when it is built, so add_middleware would land inside it).
    build = app.build_middleware_stack
    limit = settings.max_request_bytes
    app.build_middleware_stack = lambda: FreshTraceContext(  # type: ignore[method-assign]
        BodyLimit(KeyedRequests(build()), limit)
    )
    return app


async def _keep_tables_bounded(pool: asyncpg.Pool, settings: ServiceSettings, polls: Polls) -> None:
    async def prune() -> int:
        return sum((await prune_once(pool, settings)).values())

    await polls.every(PRUNING_LOOP, settings.prune_every_seconds, prune)


async def prune_once(pool: asyncpg.Pool, settings: ServiceSettings) -> dict[str, int]:
    """One round of forgetting what no one needs any more (pruning.py), by one API replica
    at a time; what went from each table."""
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", pruning.PRUNE_LOCK):
            return {}
        try:
            now = await conn.fetchval("SELECT now()")
            gone = {"idempotency_keys": await idempotency.forget_old(pool)}
            sent_before = now - timedelta(days=settings.outbox_keep_sent_days)
            gone["outbox"] = await pruning.prune_outbox(pool, sent_before=sent_before)
            consumer = getattr(settings, "consumer_name", None)
            if consumer and settings.inbox_keep_days > 0:
                committed = await asyncio.to_thread(
                    admin.committed_offsets, settings.kafka, consumer
                )
                claimed_before = now - timedelta(days=settings.inbox_keep_days)
                gone["inbox"] = await pruning.prune_inbox(
                    pool, consumer=consumer, committed=committed, claimed_before=claimed_before
                )
            return gone
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", pruning.PRUNE_LOCK)


class BodyLimit:
    """Refuse request bodies above `limit` bytes with 413, before the app reads them:
    by Content-Length when given, by reading at most `limit` bytes otherwise."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        if declared is not None:
            await self.app(scope, receive, send)  # the server holds it to its length
            return
        # Streamed without a length: read it here, up to the limit, then hand it on.
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await self._refuse(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        replay = iter(messages)

        async def replayed() -> Any:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, scope: Any, receive: Any, send: Any) -> None:
        response = problems.problem(
            413,
            "Content Too Large",
            f"request body above {self.limit} bytes",
            errors=[{"field": "body", "message": f"at most {self.limit} bytes"}],
        )
        await response(scope, receive, send)


class FreshTraceContext:
    """Every request starts from an empty trace context. On a keep-alive connection the
    ASGI instrumentation can leave the previous request's span current for the next one
    (opentelemetry-python-contrib #3700, #1783): seen here as a POST /v1/enrollments span
    parented by the POST /v1/trainees before it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = otel_context.attach(otel_context.Context())
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)


def _add_operational_routes(app: FastAPI, metrics: HttpMetrics) -> None:
    ops = APIRouter(tags=["operations"])

    @ops.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive: the process answers. Public."""
        return {"status": "ok"}

    @ops.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
    async def readyz(request: Request) -> JSONResponse:
        """Ready: the database and Kafka answer. Public."""
        checks = {"database": False, "kafka": False}
        try:
            # Untraced, as the route is: a probe every few seconds is no one's request.
            with untraced():
                await asyncio.wait_for(request.app.state.pool.fetchval("SELECT 1"), 2)
            checks["database"] = True
        except Exception:
            pass
        checks["kafka"] = await request.app.state.relay.kafka_reachable()
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @ops.get("/metrics", response_class=PlainTextResponse)
    async def prometheus(request: Request) -> Response:
        """Prometheus metrics. Public on the service port, like every exporter."""
        with untraced():  # a scrape, like the route itself, is not traced
            unsent, age = await outbox.backlog(request.app.state.pool)
            sizes = await pruning.table_sizes(request.app.state.pool)
        metrics.outbox_unsent.set(unsent)
        metrics.outbox_age.set(age)
        for size in sizes:
            metrics.table_rows.labels(size.table).set(size.rows)
            metrics.table_bytes.labels(size.table).set(size.bytes)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.include_router(ops)


def _add_idempotency(app: FastAPI) -> None:
    """Every changing operation takes an Idempotency-Key (`web.keyed` reads it, the bus
    claims it); a key used before is answered with the first answer."""

    async def replay(_: Request, error: Exception) -> Response:
        assert isinstance(error, Replayed)
        held = in_hand.current()
        if held is not None:
            held.replayed = True  # audited as a replay, not as a second change
        return error.answer.response()

    app.add_exception_handler(Replayed, replay)
    for route in openapi.flattened(app.routes):
        if not isinstance(route, APIRoute):
            continue
        extra = route.openapi_extra or {}
        declared = extra.get("parameters", [])
        # Routers are module-level: another app built from them has declared it already.
        if in_hand.CHANGING & (route.methods or set()) and idempotency.PARAMETER not in declared:
            route.openapi_extra = {**extra, "parameters": [*declared, idempotency.PARAMETER]}


def _add_audit(app: FastAPI) -> None:
    """Every changing request an operator makes is recorded, whatever its outcome: by the
    bus in the transaction of its effect, here when nothing was committed (a refusal)."""

    @app.middleware("http")
    async def audit_operators(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        held = in_hand.current()
        kept = held is not None and held.pending is not None and response.status_code < 400
        if held is None or held.audited or kept:
            return response  # recorded with the effect, or about to be (`web.keyed`)
        row = in_hand.audit_row(held, response.status_code)
        if row is not None:
            try:
                await audit.add(request.app.state.pool, row)
            except problems.UNAVAILABLE:
                log.warning("audit row lost, the database is away: %s", row)
        return response

    audit_router = APIRouter(tags=["operations"])

    @audit_router.get("/v1/audit")
    async def audit_log(
        request: Request,
        _: Annotated[Principal, Depends(requires(Role.OPERATOR))],
        since: MomentQuery = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[audit.AuditEntry]:
        """Operator actions on this service, newest first (operators only)."""
        return await audit.entries(request.app.state.pool, since=since, limit=limit)

    app.include_router(audit_router)


def _add_request_metrics(app: FastAPI, metrics: HttpMetrics) -> None:
    @app.middleware("http")
    async def record(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        metrics.latency.labels(request.method, path).observe(time.perf_counter() - started)
        return response
