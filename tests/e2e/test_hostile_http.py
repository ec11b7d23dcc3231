"""A hostile HTTP corpus against the five running services, each request as the role the
route is for: NUL, control characters, over-long values and foreign characters in every
path id; the same in query parameters, with days outside 1900-2100; JSON bodies that are
cut short, not UTF-8, nested without end, with NaN, Infinity, numbers past a double or a
bigint, a member twice, a NUL or a lone surrogate; names with ESC, CR and LF; ids that are
not ids; dates outside the range; an opening that ends before it starts.

Every one gets a 4xx application/problem+json whose `errors[].field` names the field
written beside it here, by hand; not one gets a 5xx. A last check holds the corpus to the
services' own OpenAPI: every route with a path parameter is in it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import COHORT
from tests.utils import factories

pytestmark = pytest.mark.e2e
PROBLEM = "application/problem+json"

# What goes where an id belongs (already percent-encoded for the path).
HOSTILE_IDS = {
    "NUL": "o%00x",
    "ESC": "o%1Bx",
    "CR LF": "o%0D%0Ax",
    "tab": "o%09x",
    "DEL": "o%7Fx",
    "65 characters": "o" * 65,
    "space": "o%20x",
    "non-ASCII": "%C3%A9t%C3%A9",
    "line separator": "o%E2%80%A8x",
    "colon": "urn:x",
    "quote": "o%27%3B--",
}

# Every route with a path parameter: (method, path, role). The parameter in braces is the
# field each hostile id must be named as; the other parameters get a well-formed id.
PATH_ROUTES: dict[str, list[tuple[str, str, str]]] = {
    "enrollment": [
        ("GET", "/v1/trainees/{trainee_id}", "institute"),
        ("PUT", "/v1/trainees/{trainee_id}/consent", "institute"),
        ("GET", "/v1/trainees/{trainee_id}/consent-history", "institute"),
        ("DELETE", "/v1/trainees/{trainee_id}/personal-details", "operator"),
        ("GET", "/v1/enrollments/{enrollment_id}", "institute"),
        ("POST", "/v1/enrollments/{enrollment_id}/admit", "institute"),
        ("GET", "/v1/enrollments/{enrollment_id}/attendance", "institute"),
        ("GET", "/v1/cohorts/{cohort_id}", "institute"),
        ("POST", "/v1/cohorts/{cohort_id}/close", "institute"),
        ("GET", "/v1/cohorts/{cohort_id}/satisfaction", "institute"),
    ],
    "evaluation": [
        ("GET", "/v1/schemes/{scheme_id}", "operator"),
        ("PUT", "/v1/programmes/{programme_id}/scheme", "operator"),
        ("PUT", "/v1/cohorts/{cohort_id}/scheme", "operator"),
        ("POST", "/v1/projects/{project_id}/assessments", "institute"),
        ("GET", "/v1/trainees/{trainee_id}/stages", "institute"),
        ("GET", "/v1/enrollments/{enrollment_id}/stages", "institute"),
        ("GET", "/v1/credentials/{credential_id}/status", "public"),
        ("GET", "/v1/credentials/{credential_id}", "institute"),
        ("POST", "/v1/credentials/{credential_id}/revocation", "operator"),
        ("POST", "/v1/credentials/{credential_id}/reinstatement", "operator"),
        ("GET", "/v1/status-lists/{list_id}", "public"),
    ],
    "matching": [
        ("GET", "/v1/openings/{opening_id}", "firm"),
        ("DELETE", "/v1/subscriptions/{subscription_id}", "firm"),
        ("GET", "/v1/candidates/{trainee_id}", "firm"),
        ("GET", "/v1/rounds/{round_id}", "operator"),
        ("PUT", "/v1/rounds/{round_id}/candidates/{trainee_id}/ranking", "institute"),
        ("GET", "/v1/rounds/{round_id}/openings/{opening_id}/applicants", "firm"),
        ("PUT", "/v1/rounds/{round_id}/openings/{opening_id}/ranking", "firm"),
        ("POST", "/v1/rounds/{round_id}/solve", "operator"),
        ("GET", "/v1/rounds/{round_id}/candidates/{trainee_id}/explanation", "operator"),
        ("GET", "/v1/webhooks/{webhook_id}/attempts", "firm"),
        ("POST", "/v1/webhooks/{webhook_id}/rotate-secret", "firm"),
        ("DELETE", "/v1/webhooks/{webhook_id}", "firm"),
        ("POST", "/v1/offers/{offer_id}/accept", "institute"),
        ("POST", "/v1/offers/{offer_id}/decline", "institute"),
        ("POST", "/v1/internships/{internship_id}/start", "firm"),
        ("POST", "/v1/internships/{internship_id}/complete", "firm"),
    ],
    "outcomes": [
        ("GET", "/v1/trainees/{trainee_id}", "operator"),
        ("GET", "/v1/indicators/{indicator_id}/lineage", "operator"),
    ],
    "operations": [
        ("GET", "/v1/journeys/{trainee_id}", "operator"),
        ("GET", "/v1/dead-letters/{topic}/{partition}/{offset}", "operator"),
        ("POST", "/v1/dead-letters/{topic}/{partition}/{offset}/replay", "operator"),
        ("POST", "/v1/dead-letters/{topic}/{partition}/{offset}/discard", "operator"),
    ],
}
# A well-formed value for each parameter not under attack.
WELL_FORMED = {"partition": "0", "offset": "0"}

# (service, role, path with query, the field named)
QUERIES: list[tuple[str, str, str, str]] = [
    ("matching", "operator", "/v1/disclosures?trainee_id=%00", "trainee_id"),
    ("matching", "operator", "/v1/disclosures?firm_id=a%20b", "firm_id"),
    ("matching", "operator", "/v1/disclosures?trainee_id=" + "t" * 65, "trainee_id"),
    ("matching", "firm", "/v1/feed?after=9223372036854775808", "after"),
    ("matching", "firm", "/v1/feed?after=%1B", "after"),
    ("matching", "operator", "/v1/candidates?limit=1e3", "limit"),
    ("enrollment", "institute", "/v1/enrollments/at-risk?cohort_id=%00", "cohort_id"),
    ("enrollment", "institute", "/v1/enrollments/en-x/attendance?as_of=9999-12-31", "as_of"),
    ("enrollment", "institute", "/v1/enrollments/en-x/attendance?as_of=2101-01-01", "as_of"),
    ("enrollment", "institute", "/v1/enrollments/en-x/attendance?as_of=1899-12-31", "as_of"),
    ("enrollment", "operator", "/v1/audit?since=9999-12-31T00:00:00Z", "since"),
    ("enrollment", "operator", "/v1/audit?since=0.5", "since"),
    ("enrollment", "institute", "/v1/enrollments/en-x/attendance?as_of=0", "as_of"),
    ("outcomes", "operator", "/v1/indicators?as_of=1700000000", "as_of"),
    ("evaluation", "operator", "/v1/schemes/s-x?version=%00", "version"),
    ("evaluation", "operator", "/v1/audit?since=1899-12-31T23:59:59Z", "since"),
    ("outcomes", "operator", "/v1/indicators?as_of=9999-12-31", "as_of"),
    ("outcomes", "public", "/v1/public/indicators?as_of=1899-12-31", "as_of"),
    ("outcomes", "public", "/dashboard?as_of=9999-12-31", "as_of"),
    ("outcomes", "operator", "/v1/indicators/x/lineage?group=" + "g" * 257, "group"),
    ("outcomes", "operator", "/v1/indicators/x/lineage?group=a%0Ab", "group"),
    ("outcomes", "operator", "/v1/funnel?as_of=%00", "as_of"),
    ("operations", "operator", "/v1/dead-letters?topic=%00", "topic"),
    ("operations", "operator", "/v1/dead-letters?consumer=a%1Bb", "consumer"),
    ("operations", "operator", "/v1/dead-letters/t/0/9223372036854775808", "offset"),
    ("operations", "operator", "/v1/dead-letters/t/-1/0", "partition"),
    ("operations", "operator", "/v1/audit?since=9999-12-31T00:00:00Z", "since"),
]

IDS = {"trainee_id": "tr-hostile", "enrollment_id": "en-hostile"}
SCHEME = {
    "scheme_id": "s-hostile",
    "stages": [
        {
            "number": 1,
            "name": "Basics",
            "requirements": [{"evidence": "quiz", "minimum": 60}],
            "rubric": {"weights": {"quality": 1.0}, "minimum": 60},
            "max_attempts": 2,
        }
    ],
}
OPENING = {
    "opening_id": "op-hostile",
    "title": "Data intern",
    "seats": 1,
    "starts_on": "2026-07-01",
    "ends_on": "2026-08-31",
}
REPORT = {
    "trainee_id": "tr-hostile",
    "kind": "employed",
    "starts_on": "2026-09-01",
    "employer": "Acme",
    "insured": True,
}
PROGRAMME = {
    "programme_id": "p-hostile",
    "name": "AI",
    "track": "k_digital_credit",
    "field": "AI",
    "hours": 40,
    "capacity": 10,
    "project_work_share": 0.5,
}
COHORT_BODY = {
    "cohort_id": "c-hostile",
    "programme_id": "p-hostile",
    "starts_on": "2026-03-02",
    "ends_on": "2026-06-30",
}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


# (service, role, method, path, body: a dict sent as JSON or raw bytes, the field named)
BODIES: list[tuple[str, str, str, str, dict[str, Any] | bytes, str]] = [
    # malformed, not UTF-8, too deep: the body is the field
    ("enrollment", "institute", "POST", "/v1/trainees", b'{"name": "x", ', "body"),
    ("evaluation", "operator", "POST", "/v1/schemes", b'{"scheme_id": }', "body"),
    ("matching", "firm", "POST", "/v1/openings", b"[" * 40 + b"]" * 40, "body"),
    (
        "outcomes",
        "institute",
        "POST",
        "/v1/outcome-reports",
        '{"employer": "é"}'.encode("latin-1"),
        "body",
    ),
    ("operations", "operator", "POST", "/v1/dead-letters/t/0/0/discard", b"", "body"),
    # numbers JSON has not or we cannot store
    (
        "evaluation",
        "operator",
        "POST",
        "/v1/schemes",
        b'{"scheme_id": "s-h", "stages": [{"number": 1, "name": "B", "requirements": [], '
        b'"rubric": {"weights": {"quality": Infinity}, "minimum": 60}, "max_attempts": 1}]}',
        "stages.0.rubric.weights.quality",
    ),
    (
        "evaluation",
        "institute",
        "POST",
        "/v1/evidence",
        b'{"enrollment_id": "en-x", "evidence": "quiz", "stage": 1, "value": NaN}',
        "value",
    ),
    (
        "evaluation",
        "institute",
        "POST",
        "/v1/evidence",
        b'{"enrollment_id": "en-x", "evidence": "quiz", "stage": 1, "value": -Infinity}',
        "value",
    ),
    (
        "evaluation",
        "institute",
        "POST",
        "/v1/evidence",
        b'{"enrollment_id": "en-x", "evidence": "quiz", "stage": 1, "value": 1e400}',
        "value",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/trainees",
        b'{"birth_year": 1' + b"0" * 4999 + b"}",
        "birth_year",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/programmes",
        json.dumps(with_(PROGRAMME, project_work_share=float("nan"))).encode(),
        "project_work_share",
    ),
    ("matching", "firm", "POST", "/v1/openings", b'{"seats": 99999999999999999999}', "seats"),
    (
        "matching",
        "firm",
        "POST",
        "/v1/webhooks",
        {"url": "https://example.org/h", "after": 2**63},
        "after",
    ),
    (
        "evaluation",
        "operator",
        "PUT",
        "/v1/programmes/p-x/scheme",
        {"scheme_id": "s-x", "version": 2**64},
        "version",
    ),
    (
        "evaluation",
        "operator",
        "POST",
        "/v1/schemes",
        with_(
            SCHEME,
            stages=[
                with_(SCHEME["stages"][0], rubric={"weights": {"quality": 1e300}, "minimum": 60})
            ],
        ),
        "stages.0.rubric.weights.quality",
    ),
    # a member twice, NUL, lone surrogates
    ("enrollment", "institute", "POST", "/v1/trainees", b'{"name": "a", "name": "b"}', "name"),
    ("enrollment", "institute", "POST", "/v1/trainees", b'{"name": "\\ud800"}', "name"),
    (
        "matching",
        "operator",
        "POST",
        "/v1/firms",
        {"firm_id": "f-h", "name": "a\x00b", "region_code": "30"},
        "name",
    ),
    (
        "outcomes",
        "institute",
        "POST",
        "/v1/outcome-reports",
        json.dumps(with_(REPORT, employer="\udfff")).encode(),
        "employer",
    ),
    # names with control characters
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/trainees",
        factories.trainee_body(name="Kim\x1b[2J"),
        "name",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/trainees",
        factories.trainee_body(name="Kim\r\nSeo"),
        "name",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/trainees",
        factories.trainee_body(name="Kim\nSeo"),
        "name",
    ),
    (
        "enrollment",
        "operator",
        "POST",
        "/v1/institutes",
        {"institute_id": "i-h", "name": "I\x07", "region_code": "11"},
        "name",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/programmes",
        with_(PROGRAMME, skills=["sql", "py\x1bthon"]),
        "skills.1",
    ),
    (
        "matching",
        "operator",
        "POST",
        "/v1/firms",
        {"firm_id": "f-h", "name": "F\r", "region_code": "30"},
        "name",
    ),
    ("matching", "firm", "POST", "/v1/openings", with_(OPENING, title="Intern\x85"), "title"),
    (
        "evaluation",
        "institute",
        "POST",
        "/v1/projects",
        {
            "project_id": "pr-h",
            "programme_id": "p-x",
            "firm_id": "f-x",
            "title": "T\x1b",
            "team": ["tr-x"],
        },
        "title",
    ),
    (
        "evaluation",
        "operator",
        "POST",
        "/v1/schemes",
        with_(SCHEME, stages=[with_(SCHEME["stages"][0], name="B\nasics")]),
        "stages.0.name",
    ),
    (
        "evaluation",
        "operator",
        "POST",
        "/v1/credentials/c-x/revocation",
        {"reason": "fraud\x1b[0m"},
        "reason",
    ),
    (
        "outcomes",
        "institute",
        "POST",
        "/v1/outcome-reports",
        with_(REPORT, employer="Acme\u2028Corp"),
        "employer",
    ),
    (
        "operations",
        "operator",
        "POST",
        "/v1/dead-letters/t/0/0/discard",
        {"reason": "gone\x00"},
        "reason",
    ),
    (
        "operations",
        "operator",
        "POST",
        "/v1/dead-letters/t/0/0/discard",
        {"reason": "gone\x1b"},
        "reason",
    ),
    # ids that are not ids
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/enrollments",
        {"trainee_id": "tr x", "cohort_id": COHORT, "applied_on": "2026-02-20"},
        "trainee_id",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/attendance",
        {**IDS, "enrollment_id": "e" * 65, "day": "2026-03-03", "status": "present"},
        "enrollment_id",
    ),
    (
        "matching",
        "firm",
        "POST",
        "/v1/offers",
        {"opening_id": "op-h", "trainee_id": "tr\x00"},
        "trainee_id",
    ),
    (
        "matching",
        "firm",
        "PUT",
        "/v1/rounds/r-x/openings/op-x/ranking",
        {"trainee_ids": ["tr-1", "tr 2"]},
        "trainee_ids.1",
    ),
    (
        "evaluation",
        "institute",
        "POST",
        "/v1/evidence",
        {"enrollment_id": "en/x", "evidence": "quiz", "stage": 1, "value": 1},
        "enrollment_id",
    ),
    (
        "outcomes",
        "institute",
        "POST",
        "/v1/outcome-reports",
        with_(REPORT, trainee_id="tr;x"),
        "trainee_id",
    ),
    # days outside 1900-2100
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/enrollments",
        {"trainee_id": "tr-x", "cohort_id": COHORT, "applied_on": "9999-12-31"},
        "applied_on",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/cohorts",
        with_(COHORT_BODY, ends_on="2101-01-01"),
        "ends_on",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/cohorts",
        with_(COHORT_BODY, closed_days=["1899-12-31"]),
        "closed_days.0",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/attendance",
        {**IDS, "day": "9999-12-31", "status": "present"},
        "day",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/completions",
        {**IDS, "completed_on": "0001-01-01"},
        "completed_on",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/surveys",
        {**IDS, "score": 90, "submitted_on": "2101-01-01"},
        "submitted_on",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/drop-outs",
        {**IDS, "dropped_on": "9999-12-31", "reason": "personal"},
        "dropped_on",
    ),
    (
        "enrollment",
        "institute",
        "POST",
        "/v1/enrollments/en-x/admit",
        {"enrolled_on": "1899-12-31"},
        "enrolled_on",
    ),
    (
        "matching",
        "firm",
        "POST",
        "/v1/openings",
        with_(OPENING, starts_on="1899-12-31"),
        "starts_on",
    ),
    (
        "matching",
        "firm",
        "POST",
        "/v1/internships/intern-x/start",
        {"started_on": "9999-12-31"},
        "started_on",
    ),
    (
        "matching",
        "firm",
        "POST",
        "/v1/internships/intern-x/complete",
        {
            "completed_on": "2026-09-01",
            "hire": {"starts_on": "2101-01-01", "employment_type": "permanent", "insured": True},
        },
        "hire.starts_on",
    ),
    (
        "outcomes",
        "institute",
        "POST",
        "/v1/outcome-reports",
        with_(REPORT, starts_on="1899-12-31"),
        "starts_on",
    ),
    # rules between fields name the later field
    ("matching", "firm", "POST", "/v1/openings", with_(OPENING, ends_on="2026-06-30"), "ends_on"),
]


def headers_for(running, role: str) -> dict[str, str]:
    keys = {
        "institute": running.institute_key,
        "operator": running.operator_key,
        "firm": running.firm_key,
    }
    return {} if role == "public" else {"X-API-Key": keys[role]}


def url_of(running, service: str) -> str:
    return getattr(running, f"{service}_url")


def refusal_naming(response: httpx.Response) -> list[str]:
    """The fields a refusal names; fails on anything but a 4xx problem+json."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == PROBLEM, response.headers["content-type"]
    return [e["field"] for e in response.json().get("errors", [])]


def attacks() -> list[tuple[str, str, str, str, str]]:
    """(service, method, path, role, field) for every hostile id in every path parameter."""
    out = []
    for service, routes in PATH_ROUTES.items():
        for method, template, role in routes:
            names = [p.split("}")[0] for p in template.split("{")[1:]]
            for name in names:
                for hostile in HOSTILE_IDS.values():
                    values = {n: WELL_FORMED.get(n, "ok-1") for n in names} | {name: hostile}
                    path = template
                    for n, v in values.items():
                        path = path.replace("{" + n + "}", v)
                    out.append((service, method, path, role, name))
    return out


@pytest.mark.parametrize("service", sorted(PATH_ROUTES))
async def test_hostile_path_ids_are_refused_naming_the_parameter(running, service):
    wrong = []
    async with httpx.AsyncClient(base_url=url_of(running, service), timeout=20) as client:
        for svc, method, path, role, field in attacks():
            if svc != service:
                continue
            body = {} if method in ("POST", "PUT") else None
            response = await client.request(
                method, path, headers=headers_for(running, role), json=body
            )
            if response.status_code >= 500:
                wrong.append((method, path, response.status_code, response.text[:200]))
                continue
            if field not in refusal_naming(response):
                wrong.append((method, path, response.status_code, response.text[:200]))
    assert wrong == []


@pytest.mark.parametrize(("service", "role", "path", "field"), QUERIES)
async def test_hostile_query_parameters_are_refused_naming_the_parameter(
    running, service, role, path, field
):
    async with httpx.AsyncClient(base_url=url_of(running, service), timeout=20) as client:
        response = await client.get(path, headers=headers_for(running, role))
    assert field in refusal_naming(response), response.text


@pytest.mark.parametrize(("service", "role", "method", "path", "body", "field"), BODIES)
async def test_hostile_bodies_are_refused_naming_the_field(
    running, service, role, method, path, body, field
):
    headers = {**headers_for(running, role), "content-type": "application/json"}
    async with httpx.AsyncClient(base_url=url_of(running, service), timeout=20) as client:
        if isinstance(body, bytes):
            response = await client.request(method, path, content=body, headers=headers)
        else:
            response = await client.request(method, path, json=body, headers=headers)
    assert field in refusal_naming(response), response.text


@pytest.mark.parametrize("path", ["/v1/openings/o%2Fx", "/v1/openings/%2E%2E"])
async def test_ids_that_change_the_route_find_no_route_and_no_server_error(running, path):
    async with httpx.AsyncClient(base_url=running.matching_url) as client:
        response = await client.get(path, headers=headers_for(running, "firm"))
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == PROBLEM


async def test_the_corpus_covers_every_route_with_a_path_parameter(running):
    for service, routes in PATH_ROUTES.items():
        async with httpx.AsyncClient(base_url=url_of(running, service)) as client:
            document = (await client.get("/openapi.json")).json()
        served = {
            (method.upper(), path)
            for path, operations in document["paths"].items()
            if "{" in path
            for method in operations
        }
        assert served == {(method, path) for method, path, _ in routes}, service


async def test_the_services_still_take_good_input_after_the_corpus(running):
    async with httpx.AsyncClient(base_url=running.enrollment_url) as client:
        made = await client.post(
            "/v1/trainees",
            json=factories.trainee_body(name="Kim Seo-yeon"),
            headers=headers_for(running, "institute"),
        )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "Kim Seo-yeon"
