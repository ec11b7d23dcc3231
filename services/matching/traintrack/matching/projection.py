"""The candidate pool, projected from enrollment and evaluation events.

Facts about a trainee in a course are kept per enrollment (`store/enrollments.py`);
consent and erasure per person. Every change re-derives the person's view
(`domain/holdings.py`) and ends in `disclosure.reconsider`, which tells the firms.
Version-1 evaluation events (about the trainee only) apply to the trainee's latest
enrollment known when they arrive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from traintrack.contracts import enrollment as enr
from traintrack.contracts import evaluation as ev
from traintrack.contracts import evaluation_v1 as v1
from traintrack.contracts.base import EventData
from traintrack.contracts.codec import Envelope
from traintrack.matching import disclosure
from traintrack.matching.domain.holdings import holdings
from traintrack.matching.store import candidates, enrollments
from traintrack.platform.messaging.consumer import Handler

APPLIED_PROJECT_STAGE = 3  # its rubric score is the enrollment's score
ENDINGS: dict[type[EventData], str] = {
    enr.EnrollmentCompleted: "completed",
    enr.EnrollmentDropped: "dropped",
    enr.EnrollmentNotCompleted: "not_completed",
}

# What an enrollment-keyed event does to its enrollment.
Apply = Callable[[asyncpg.Connection, str, Any], Awaitable[None]]


async def changed(conn: asyncpg.Connection, trainee_id: str) -> None:
    """Re-derive what the person holds, then tell the firms."""
    await candidates.lock(conn, trainee_id)
    courses = await enrollments.courses(conn, trainee_id)
    await candidates.set_holdings(conn, trainee_id, holdings(courses))
    await disclosure.reconsider(conn, trainee_id)


def _person(extract: Callable[[Any], dict[str, Any]]) -> Handler:
    """A fact about the person (registration, consent, erasure)."""

    async def handle(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        await candidates.upsert(conn, data.trainee_id, **extract(data))  # type: ignore[attr-defined]
        await disclosure.reconsider(conn, data.trainee_id)  # type: ignore[attr-defined]

    return handle


def _per_enrollment(apply: Apply) -> Handler:
    """A fact about one enrollment, named by the event (enrollment events, version 2)."""

    async def handle(event: Envelope, conn: asyncpg.Connection) -> None:
        data: Any = event.data
        await enrollments.ensure(
            conn,
            trainee_id=data.trainee_id,
            enrollment_id=data.enrollment_id,
            cohort_id=data.cohort_id,
        )
        await apply(conn, data.enrollment_id, data)
        await changed(conn, data.trainee_id)

    return handle


def _v1(apply: Apply) -> Handler:
    """A version-1 evaluation fact: about the trainee's latest enrollment known."""

    async def handle(event: Envelope, conn: asyncpg.Connection) -> None:
        data: Any = event.data
        await apply(conn, await enrollments.latest(conn, data.trainee_id), data)
        await changed(conn, data.trainee_id)

    return handle


async def cohort_opened(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, enr.CohortOpened)
    await candidates.upsert_cohort(
        conn,
        cohort_id=data.cohort_id,
        programme_id=data.programme_id,
        institute_id=data.institute_id,
        field=data.field,
        skills=sorted(data.skills),
        region_code=data.region_code,
        ends_on=data.ends_on,
    )
    # Enrollments may have arrived first (another partition): their skills change now.
    for trainee_id in await enrollments.trainees_in(conn, data.cohort_id):
        await changed(conn, trainee_id)


async def _enrolled(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    await candidates.upsert(conn, data.trainee_id, institute_id=data.institute_id)


async def _ended(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    await enrollments.set_status(conn, enrollment_id, ENDINGS[type(data)])


async def _passed(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    await enrollments.set_stage(conn, enrollment_id, data.stage, held=True)


async def _withdrawn(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    # Before evaluation's revocation arrives (if it comes second), a certified enrollment
    # losing a stage has already lost its credential's basis.
    await enrollments.break_basis(conn, enrollment_id, data.stage)
    await enrollments.set_stage(conn, enrollment_id, data.stage, held=False)


async def _assessed(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    if data.stage == APPLIED_PROJECT_STAGE and data.evidence == "rubric":
        # Both sides score the project; the score is the mean of their latest.
        await enrollments.record_rubric(conn, enrollment_id, data.side, data.value)


async def _certified(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    await enrollments.certify(
        conn,
        credential_id=data.credential_id,
        trainee_id=data.trainee_id,
        enrollment_id=enrollment_id,
        programme_id=getattr(data, "programme_id", None),  # v1: the cohort's programme
        scheme_id=data.scheme_id,
        scheme_version=data.scheme_version,
        issued_at=data.issued_at,
    )


async def _revoked(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    await enrollments.revoke(
        conn,
        credential_id=data.credential_id,
        trainee_id=data.trainee_id,
        enrollment_id=enrollment_id,
        cause=getattr(data, "cause", None),  # v1 did not say
        reason=data.reason,
        revoked_at=data.revoked_at,
    )


async def _reinstated(conn: asyncpg.Connection, enrollment_id: str, data: Any) -> None:
    await enrollments.reinstate(conn, data.credential_id, enrollment_id)


def _handlers() -> dict[type[EventData], Handler]:
    return {
        enr.CohortOpened: cohort_opened,
        enr.TraineeRegistered: _person(
            lambda d: {
                "institute_id": d.institute_id,
                "region_code": d.region_code,
                "consent": d.consent_share_with_firms,
            }
        ),
        enr.ConsentChanged: _person(lambda d: {"consent": d.share_with_firms}),
        enr.TraineeErased: _person(lambda d: {"erased": True, "consent": False}),
        enr.TraineeEnrolled: _per_enrollment(_enrolled),
        **{ending: _per_enrollment(_ended) for ending in ENDINGS},
        ev.StagePassed: _per_enrollment(_passed),
        ev.StagePassWithdrawn: _per_enrollment(_withdrawn),
        ev.AssessmentRecorded: _per_enrollment(_assessed),
        ev.Certified: _per_enrollment(_certified),
        ev.CertificationRevoked: _per_enrollment(_revoked),
        ev.CertificationReinstated: _per_enrollment(_reinstated),
        v1.StagePassedV1: _v1(_passed),
        v1.StagePassWithdrawnV1: _v1(_withdrawn),
        v1.AssessmentRecordedV1: _v1(_assessed),
        v1.CertifiedV1: _v1(_certified),
        v1.CertificationRevokedV1: _v1(_revoked),
    }


HANDLERS: dict[str, Handler] = {contract.type: h for contract, h in _handlers().items()}
