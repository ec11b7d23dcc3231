"""The candidate pool, projected from enrollment and evaluation events. Every change that
can alter what a firm may see ends in `disclosure.reconsider`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from matching_service import disclosure
from matching_service.domain.candidates import stage_reached
from matching_service.store import candidates
from traintrack_shared.codec import Envelope
from traintrack_shared.consumer import Handler
from traintrack_shared.contracts import enrollment as enr
from traintrack_shared.contracts import evaluation as ev
from traintrack_shared.contracts.base import EventData

APPLIED_PROJECT_STAGE = 3  # its rubric score is the candidate's score


def _facts(extract: Callable[[Any], dict[str, Any]]) -> Handler:
    """A handler that sets the candidate's columns from the event, then reconsiders."""

    async def handle(event: Envelope, conn: asyncpg.Connection) -> None:
        data = event.data
        await candidates.upsert(conn, data.trainee_id, **extract(data))  # type: ignore[attr-defined]
        await disclosure.reconsider(conn, data.trainee_id)  # type: ignore[attr-defined]

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
    for trainee_id in await candidates.in_cohort(conn, data.cohort_id):
        await disclosure.reconsider(conn, trainee_id)


async def _stages(conn: asyncpg.Connection, trainee_id: str, stage: int, held: bool) -> None:
    passed = set(await candidates.passed_stages(conn, trainee_id))
    passed = passed | {stage} if held else passed - {stage}
    await candidates.upsert(
        conn, trainee_id, passed_stages=sorted(passed), stage_reached=stage_reached(passed)
    )
    await disclosure.reconsider(conn, trainee_id)


async def stage_passed(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, ev.StagePassed)
    await _stages(conn, data.trainee_id, data.stage, held=True)


async def stage_withdrawn(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, ev.StagePassWithdrawn)
    await _stages(conn, data.trainee_id, data.stage, held=False)


async def assessment(event: Envelope, conn: asyncpg.Connection) -> None:
    data = event.data
    assert isinstance(data, ev.AssessmentRecorded)
    if data.stage == APPLIED_PROJECT_STAGE and data.evidence == "rubric":
        # Both sides score the project; the candidate's score is the mean of their latest.
        await candidates.record_rubric(conn, data.trainee_id, data.side, data.value)


def _handlers() -> dict[type[EventData], Handler]:
    return {
        enr.CohortOpened: cohort_opened,
        enr.TraineeRegistered: _facts(
            lambda d: {
                "institute_id": d.institute_id,
                "region_code": d.region_code,
                "consent": d.consent_share_with_firms,
            }
        ),
        enr.ConsentChanged: _facts(lambda d: {"consent": d.share_with_firms}),
        enr.TraineeEnrolled: _facts(
            lambda d: {"institute_id": d.institute_id, "cohort_id": d.cohort_id}
        ),
        enr.EnrollmentCompleted: _facts(lambda d: {"status": "completed"}),
        enr.EnrollmentDropped: _facts(lambda d: {"status": "dropped"}),
        enr.TraineeErased: _facts(lambda d: {"erased": True, "consent": False}),
        ev.StagePassed: stage_passed,
        ev.StagePassWithdrawn: stage_withdrawn,
        ev.AssessmentRecorded: assessment,
        ev.Certified: _facts(lambda d: {"certified": True, "certification_revoked": False}),
        ev.CertificationRevoked: _facts(lambda d: {"certification_revoked": True}),
    }


HANDLERS: dict[str, Handler] = {contract.type: h for contract, h in _handlers().items()}
