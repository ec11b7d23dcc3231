"""The edge as a route meets it, through the app factory: a route that declares its
parameters loosely (`str`, `date`, a model of plain `str`) still gets only what can be
stored, and every refusal is a 422 problem+json naming the field."""

import json
from datetime import date

import httpx
import pytest
from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import Field

from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web import problems
from traintrack.platform.web.app import create_service_app
from traintrack.platform.web.models import RequestModel

router = APIRouter()


class Loose(RequestModel):
    note: str = ""
    when: date | None = None
    tags: dict[str, list[str]] = Field(default_factory=dict)
    score: float = 0


@router.post("/loose/{thing_id}")
async def take(thing_id: str, body: Loose, group: str = "all") -> dict[str, str]:
    return {"thing_id": thing_id, "group": group}


@pytest.fixture
async def client(tmp_path):
    (tmp_path / "keyring.json").write_text("[]")
    settings = ServiceSettings(keyring_file=tmp_path / "keyring.json")
    app = create_service_app(
        service="edge", description="", settings=settings, migrations=None, routers=[router]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
        yield client


async def refused_field(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    return error["field"]


async def test_a_loosely_typed_route_takes_good_input(client):
    taken = await client.post("/loose/t-1?group=region", json={"note": "a\tb\r\nc"})
    assert taken.status_code == 200, taken.text
    assert taken.json() == {"thing_id": "t-1", "group": "region"}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/loose/t%00x", "thing_id"),
        ("/loose/" + "t" * 65, "thing_id"),
        ("/loose/t?group=%1b", "group"),
    ],
)
async def test_parameters_are_refused_before_the_route(client, url, field):
    assert await refused_field(await client.post(url, json={})) == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "a\x1b[31mb"}, "note"),
        ({"tags": {"k": ["ok", "a\x1b"]}}, "tags"),
        ({"tags": {"k": ["ok", "a\x00"]}}, "tags.k.1"),  # NUL: the JSON reader, exactly
        ({"tags": {"k\x07": []}}, "tags"),
        ({"when": "9999-12-31"}, "when"),
        ({"when": "1899-12-31"}, "when"),
    ],
)
async def test_any_string_or_date_of_a_request_model_is_held_to_the_rules(client, body, field):
    assert await refused_field(await client.post("/loose/t", json=body)) == field


async def test_the_date_bounds_are_inclusive(client):
    for day in ("1900-01-01", "2100-12-31"):
        assert (await client.post("/loose/t", json={"when": day})).status_code == 200


async def test_non_finite_numbers_and_malformed_json_name_their_field(client):
    headers = {"content-type": "application/json"}
    nan = await client.post("/loose/t", content=b'{"score": NaN}', headers=headers)
    assert await refused_field(nan) == "score"
    cut = await client.post("/loose/t", content=b'{"score": ', headers=headers)
    assert await refused_field(cut) == "body"
    assert "line 1 column 11" in cut.json()["errors"][0]["message"]
    huge = await client.post(
        "/loose/t", content=b'{"score": 1' + b"0" * 5000 + b"}", headers=headers
    )
    assert await refused_field(huge) == "score"


async def test_fastapis_own_json_error_names_the_body_not_a_character_offset():
    # What FastAPI raises for a body it parsed itself (one not declared JSON, on releases
    # that read those): the offset goes into the message.
    error = RequestValidationError(
        [
            {
                "type": "json_invalid",
                "loc": ("body", 9),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ]
    )
    response = await problems.invalid_request(None, error)
    assert json.loads(response.body)["errors"] == [
        {"field": "body", "in": "body", "message": "not JSON: Expecting value (char 9)"}
    ]
