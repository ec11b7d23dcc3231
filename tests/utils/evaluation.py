"""Driving the evaluation service in integration tests: its app on a fresh database,
enrollment facts through its real consumer, evidence and assessments over its API."""

from __future__ import annotations

import base64
import gzip
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt

from tests.utils import factories
from traintrack.contracts import codec
from traintrack.contracts import enrollment as facts
from traintrack.evaluation.bootstrap import batch_event_handlers, create_app, event_handlers
from traintrack.evaluation.domain.scheme import RUBRIC_CRITERIA
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.platform.messaging.consumer import EventConsumer, Outcome
from traintrack.platform.messaging.dlq import Delivery

PROGRAMME, COHORT = "kdt-ai", "kdt-ai-2026-2"
Keys = dict[str, Any]


async def evaluation_app(platform: Any, keys: Keys, tmp_path_factory: Any) -> Any:
    signing = tmp_path_factory.mktemp("signing")
    settings = EvaluationSettings(
        database_url=await platform.fresh_database("evaluation"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys["file"],
        signing_keys_dir=signing / "keys",
        signing_key_file=signing / "no-legacy-key.pem",
    )
    return create_app(settings)


def consumer(app: Any) -> EventConsumer:
    async def publish(*_: Any) -> None:
        raise AssertionError("nothing here is poison")

    return EventConsumer(
        name="evaluation-test",
        pool=app.state.pool,
        publish=publish,
        handlers=event_handlers(app.state.bus, app.state.signer),
        batch_handlers=batch_event_handlers(app.state.bus, app.state.signer),
    )


async def feed(app: Any, *events: Any) -> None:
    """Each event through the consumer, as read from its own topic."""
    for n, event in enumerate(events):
        record = codec.encode(codec.to_cloudevent(event, source="/traintrack/enrollment"))
        outcome = await consumer(app).process(Delivery(event.topic.name, 0, n, record))
        assert outcome is Outcome.APPLIED


async def feed_run(app: Any, *events: Any) -> None:
    """The events as one batch off their topic, as the attendance agent takes them."""
    deliveries = [
        Delivery(e.topic.name, 0, n, codec.encode(codec.to_cloudevent(e, source="/x")))
        for n, e in enumerate(events)
    ]
    outcomes = await consumer(app).process_batch(deliveries)
    assert outcomes == [Outcome.APPLIED] * len(events)


@dataclass(frozen=True)
class Enrolled:
    trainee_id: str
    enrollment_id: str
    cohort_id: str


async def open_cohort(app: Any, cohort_id: str = COHORT, programme_id: str = PROGRAMME) -> None:
    await feed(
        app,
        factories.cohort_opened(
            cohort_id=cohort_id,
            programme_id=programme_id,
            institute_id="inst-a",
            starts_on=date(2026, 8, 31),
            ends_on=date(2027, 2, 26),
        ),
    )


def attendance(who: Enrolled, rate: float, day: date = date(2026, 9, 30)) -> Any:
    return facts.AttendanceRecorded(
        trainee_id=who.trainee_id,
        enrollment_id=who.enrollment_id,
        cohort_id=who.cohort_id,
        day=day,
        status="present",
        rate_to_date=rate,
        month_rate=rate,
    )


def enrolled_event(who: Enrolled) -> Any:
    return factories.trainee_enrolled(
        trainee_id=who.trainee_id,
        enrollment_id=who.enrollment_id,
        institute_id="inst-a",
        cohort_id=who.cohort_id,
    )


async def enroll(
    app: Any,
    attendance_rate: float | None = 0.92,
    *,
    cohort_id: str = COHORT,
    programme_id: str = PROGRAMME,
    trainee_id: str | None = None,
) -> Enrolled:
    """A trainee (a new one unless given) enrolled in the cohort, opened if need be."""
    await open_cohort(app, cohort_id, programme_id)
    who = Enrolled(trainee_id or factories.trainee_id(), f"en-{uuid.uuid4().hex[:10]}", cohort_id)
    await feed(app, enrolled_event(who))
    if attendance_rate is not None:
        await feed(app, attendance(who, attendance_rate))
    return who


def completed(who: Enrolled, rate: float = 0.91) -> Any:
    return facts.EnrollmentCompleted(
        trainee_id=who.trainee_id,
        enrollment_id=who.enrollment_id,
        cohort_id=who.cohort_id,
        completed_on=date(2027, 2, 26),
        attendance_rate=rate,
        early_employment=False,
    )


async def evidence(
    client: httpx.AsyncClient,
    keys: Keys,
    who: Enrolled,
    name: str,
    stage: int,
    value: float,
    by: str = "institute",
    attempt: int = 1,
) -> dict[int, str]:
    response = await client.post(
        "/v1/evidence",
        headers=keys[by],
        json={
            "enrollment_id": who.enrollment_id,
            "trainee_id": who.trainee_id,
            "evidence": name,
            "stage": stage,
            "value": value,
            "attempt": attempt,
        },
    )
    assert response.status_code == 201, response.text
    return {d["stage"]: d["status"] for d in response.json()}


async def through_stage_3(
    client: httpx.AsyncClient, keys: Keys, who: Enrolled, programme_id: str = PROGRAMME
) -> str:
    await evidence(client, keys, who, "baseline_test", 1, 72)
    await evidence(client, keys, who, "module_test", 2, 78)
    await evidence(client, keys, who, "mini_project", 2, 74)
    await evidence(client, keys, who, "participation", 3, 88)
    project = f"proj-{who.enrollment_id}"
    created = await client.post(
        "/v1/projects",
        headers=keys["institute"],
        json={
            "project_id": project,
            "programme_id": programme_id,
            "firm_id": "firm-a",
            "title": "수요 예측 모델",
            "team": [who.trainee_id],
        },
    )
    assert created.status_code == 201, created.text
    for by, score in (("institute", 82), ("firm", 79)):
        response = await client.post(
            f"/v1/projects/{project}/assessments",
            headers=keys[by],
            json={"trainee_id": who.trainee_id, "scores": dict.fromkeys(RUBRIC_CRITERIA, score)},
        )
        assert response.status_code == 201, response.text
    return project


async def emitted(app: Any, who: Enrolled, kind: str, version: int = 2) -> list[dict[str, Any]]:
    """The evaluation events of one kind about the enrollment, in outbox order, with their
    outbox id as `_id`."""
    rows = await app.state.pool.fetch(
        """SELECT id, data FROM outbox WHERE partition_key = $1 AND event_type = $2
           AND data->>'enrollment_id' = $3 ORDER BY id""",
        who.trainee_id,
        f"traintrack.evaluation.{kind}.v{version}",
        who.enrollment_id,
    )
    return [{**r["data"], "_id": r["id"]} for r in rows]


async def certify(
    app: Any,
    client: httpx.AsyncClient,
    keys: Keys,
    who: Enrolled,
    programme_id: str = PROGRAMME,
) -> dict[str, Any]:
    await through_stage_3(client, keys, who, programme_id)
    await evidence(client, keys, who, "presentation", 4, 86)
    stages = await evidence(client, keys, who, "interview", 4, 1, by="firm")
    assert stages[4] == "waiting"  # the course has not ended
    await feed(app, completed(who))
    [certified] = await emitted(app, who, "certified")
    return certified


async def stages_of(
    client: httpx.AsyncClient, keys: Keys, who: Enrolled, by: str = "operator"
) -> Any:
    response = await client.get(f"/v1/enrollments/{who.enrollment_id}/stages", headers=keys[by])
    assert response.status_code == 200, response.text
    return response.json()


async def credential_jwt(client: httpx.AsyncClient, keys: Keys, credential_id: str) -> str:
    response = await client.get(f"/v1/credentials/{credential_id}", headers=keys["operator"])
    assert response.status_code == 200, response.text
    token: str = response.json()["credential"]
    return token


# ---------------------------------------------------------------- as an outside verifier
# PyJWT, not the joserfc the service signs with, and a bitstring reader of our own here,
# written from the W3C Bitstring Status List text, not from the service's code.


async def verify_independently(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """The claims of a VC-JWT, checked by PyJWT against the key the public JWKS lists under
    the token's kid (and its nbf/exp); raises PyJWT's errors otherwise."""
    jwks = (await client.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    [jwk] = [k for k in jwks["keys"] if k["kid"] == kid]
    claims: dict[str, Any] = jwt.decode(
        token, jwt.PyJWK(jwk).key, algorithms=[jwk["alg"]], options={"require": ["nbf"]}
    )
    return claims


def bit_of(encoded_list: str, index: int) -> int:
    """Bit `index` of a Bitstring Status List: index 0 is the left-most bit."""
    assert encoded_list[0] == "u", "multibase base64url"
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(bits) * 8 >= 131_072, "shorter than the spec's minimum"
    byte, offset = divmod(index, 8)
    return (bits[byte] >> (7 - offset)) & 1


async def revoked_per_status_list(client: httpx.AsyncClient, token: str) -> bool:
    """Whether the credential is revoked, as a verifier learns it: its own credentialStatus,
    then the status list credential it names, fetched without a key and verified."""
    status = (await verify_independently(client, token))["credentialStatus"]
    assert (status["type"], status["statusPurpose"]) == ("BitstringStatusListEntry", "revocation")
    response = await client.get(urlsplit(status["statusListCredential"]).path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vc+jwt"
    listed = await verify_independently(client, response.text)
    assert "BitstringStatusListCredential" in listed["type"]
    subject = listed["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    return bit_of(subject["encodedList"], int(status["statusListIndex"])) == 1


async def status_of(client: httpx.AsyncClient, keys: Keys, credential_id: str) -> bool:
    """Whether the credential is revoked, per the status list alone."""
    return await revoked_per_status_list(client, await credential_jwt(client, keys, credential_id))
