"""The HTTP side of retries, on the fake unit of work: `web.keyed` holds a keyed answer
until the bus's unit of work kept it and committed; a retry is replayed; a commit that
fails is a 503; a database or broker away is a 503 problem, never a bare 500."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from aiokafka.errors import KafkaConnectionError
from fastapi import FastAPI, Request, Response

from tests.unit.platform.test_bus import Note, note
from tests.unit.platform.test_bus_requests import Store
from tests.utils.fakes import FakeUnitOfWork
from traintrack.platform.bus import MessageBus, Replayed
from traintrack.platform.errors import TooLarge
from traintrack.platform.web import problems
from traintrack.platform.web.auth import Principal, Role
from traintrack.platform.web.keyed import KeyedRequests

INSTITUTE = Principal("k-inst", Role.INSTITUTE, "inst-a")


class Failing(FakeUnitOfWork):
    error: BaseException = ConnectionRefusedError("the database went away")

    async def _commit(self, events):  # type: ignore[no-untyped-def]
        raise self.error


def failing_with(error: BaseException) -> Store:
    class Refusing(Failing):
        pass

    Refusing.error = error
    return lambda: Refusing()  # type: ignore[return-value]


def make_app(store: Store, *, fail: BaseException | None = None) -> FastAPI:
    app = FastAPI()
    problems.install(app)

    async def replay(_: Request, error: Exception) -> Response:
        assert isinstance(error, Replayed)
        return error.answer.response()

    app.add_exception_handler(Replayed, replay)
    bus = MessageBus({Note: note}, store)

    @app.post("/v1/notes", status_code=201)
    async def add(request: Request, body: dict[str, str]) -> dict[str, str]:
        request.state.principal = INSTITUTE
        answer = await bus.handle(Note(body["text"]))
        if fail is not None:
            raise fail
        return {"note": answer}

    @app.post("/v1/secrets", status_code=201)
    async def secret(request: Request, response: Response) -> dict[str, str]:
        request.state.principal = INSTITUTE
        await bus.handle(Note("secret"))
        response.headers["Cache-Control"] = "no-store"
        return {"secret": "whsec_shown-once"}

    @app.delete("/v1/notes/{text}", status_code=204)
    async def remove(request: Request, text: str) -> Response:
        request.state.principal = INSTITUTE
        await bus.handle(Note(text))
        return Response(status_code=204)

    @app.post("/v1/away")
    async def away(error: str) -> None:
        raise {
            "refused": ConnectionRefusedError("refused"),
            "lost": asyncpg.ConnectionDoesNotExistError("lost"),
            "acquire": TimeoutError(),
            "starting": asyncpg.CannotConnectNowError("starting up"),
            "kafka": KafkaConnectionError("no broker"),
        }[error]

    # As create_service_app wraps it: outside the app's own middleware.
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: KeyedRequests(build())  # type: ignore[method-assign]
    return app


def client_of(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://svc")


KEY = {"Idempotency-Key": "k1"}


async def test_a_keyed_write_is_answered_once_and_replayed_to_its_retries():
    store = Store([])
    async with client_of(make_app(store)) as client:
        first = await client.post("/v1/notes", json={"text": "hi"}, headers=KEY)
        # The same object, spaced and ordered otherwise, is the same request.
        again = await client.post(
            "/v1/notes",
            content=b'{ "text" :  "hi" }',
            headers=KEY | {"content-type": "application/json"},
        )
    assert (first.status_code, first.json()) == (201, {"note": "HI"})
    assert "Idempotent-Replayed" not in first.headers
    assert (again.status_code, again.json()) == (201, {"note": "HI"})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [e.subject_id for e in store.last.published] == ["hi"]


async def test_the_key_with_another_body_or_query_is_refused_naming_the_header():
    store = Store([])
    async with client_of(make_app(store)) as client:
        await client.post("/v1/notes", json={"text": "hi"}, headers=KEY)
        other = await client.post("/v1/notes", json={"text": "ho"}, headers=KEY)
        queried = await client.post("/v1/notes?x=1", json={"text": "hi"}, headers=KEY)
    for refused in (other, queried):
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert len(store.last.published) == 1


async def test_an_empty_answer_is_replayed_empty():
    store = Store([])
    async with client_of(make_app(store)) as client:
        answers = [await client.delete("/v1/notes/gone", headers=KEY) for _ in "12"]
    assert [(a.status_code, a.content) for a in answers] == [(204, b""), (204, b"")]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert len(store.last.published) == 1


async def test_a_route_failing_after_its_command_leaves_nothing_and_the_retry_acts():
    store = Store([])
    failing = make_app(store, fail=ValueError("presenting failed"))
    async with client_of(failing) as client:
        broken = await client.post("/v1/notes", json={"text": "hi"}, headers=KEY)
    assert broken.status_code == 500
    assert (store.last.committed, store.last.published, store.last.keys) == (False, [], {})
    async with client_of(make_app(store)) as client:
        retried = await client.post("/v1/notes", json={"text": "hi"}, headers=KEY)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers


async def test_a_commit_that_fails_is_a_503_to_retry_never_a_success():
    async with client_of(make_app(lambda: Failing())) as client:  # type: ignore[arg-type]
        answer = await client.post("/v1/notes", json={"text": "hi"}, headers=KEY)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["Retry-After"] == problems.RETRY_AFTER


@pytest.mark.parametrize("error", ["refused", "lost", "acquire", "starting", "kafka"])
async def test_a_store_or_broker_away_is_a_503_problem_with_retry_after(error):
    async with client_of(make_app(Store([]))) as client:
        answer = await client.post("/v1/away", params={"error": error})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["Retry-After"].isdigit()


@pytest.mark.parametrize(("key", "refused"), [("k" * 200, False), ("k" * 201, True)])
async def test_a_key_is_at_most_200_characters(key, refused):
    async with client_of(make_app(Store([]))) as client:
        answer = await client.post(
            "/v1/notes", json={"text": "hi"}, headers={"Idempotency-Key": key}
        )
    assert answer.status_code == (422 if refused else 201)


@pytest.mark.parametrize(
    ("error", "status", "retry_after"),
    [
        (TooLarge("event above the broker's limit", field="text"), 413, None),
        (asyncpg.SerializationError("could not serialize"), 503, "1"),
        (asyncpg.DeadlockDetectedError("deadlock"), 503, "1"),
        (asyncpg.InterfaceError("connection is closed"), 503, problems.RETRY_AFTER),
    ],
)
async def test_a_commit_refused_answers_as_the_same_request_without_a_key(
    error, status, retry_after
):
    async with client_of(make_app(failing_with(error))) as client:
        answer = await client.post("/v1/notes", json={"text": "hi"}, headers=KEY)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers.get("Retry-After") == retry_after


async def test_an_answer_not_to_be_kept_is_replayed_as_applied_without_the_secret():
    store = Store([])
    async with client_of(make_app(store)) as client:
        first = await client.post("/v1/secrets", json={}, headers=KEY)
        again = await client.post("/v1/secrets", json={}, headers=KEY)
    assert (first.status_code, first.json()) == (201, {"secret": "whsec_shown-once"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "whsec_" not in again.text
    assert "whsec_" not in repr(store.last.keys)
    assert len(store.last.published) == 1
