"""The matching worker: enrollment and evaluation facts into the candidate pool, and from
there to the firms whose subscriptions they meet. Each fact becomes a command, run in a
unit of work on the consumer's connection (where its inbox claim lives)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from traintrack.contracts import enrollment as enr
from traintrack.contracts import evaluation as ev
from traintrack.contracts import evaluation_v1 as v1
from traintrack.contracts.base import EventData
from traintrack.contracts.codec import Envelope
from traintrack.contracts.topics import ENROLLMENT_EVENTS, EVALUATION_EVENTS
from traintrack.matching import commands as c
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.bus import MessageBus
from traintrack.platform.messaging.consumer import EventConsumer, Handler
from traintrack.platform.messaging.streams import StreamApp, consume, create_stream_app

ENDINGS: dict[type[EventData], c.Ending] = {
    enr.EnrollmentCompleted: "completed",
    enr.EnrollmentDropped: "dropped",
    enr.EnrollmentNotCompleted: "not_completed",
}


def _named(d: Any) -> c.Enrollment:
    """The enrollment an event of version 2 names."""
    return c.Enrollment(d.trainee_id, d.enrollment_id, d.cohort_id)


def _latest(d: Any) -> c.Enrollment:
    """Version 1 named the trainee only: their latest enrollment known."""
    return c.Enrollment(d.trainee_id)


def _facts(about: Callable[[Any], c.Enrollment]) -> dict[str, Callable[[Any], object]]:
    """The evaluation facts both versions share, by kind."""
    return {
        "passed": lambda d: c.RecordStagePassed(about(d), d.stage),
        "withdrawn": lambda d: c.WithdrawStagePass(about(d), d.stage),
        "assessed": lambda d: c.RecordAssessment(about(d), d.stage, d.evidence, d.side, d.value),
        "certified": lambda d: c.RecordCertification(
            about(d),
            d.credential_id,
            getattr(d, "programme_id", None),  # v1: the cohort's programme
            d.scheme_id,
            d.scheme_version,
            d.issued_at,
        ),
        "revoked": lambda d: c.RecordRevocation(
            about(d), d.credential_id, getattr(d, "cause", None), d.reason, d.revoked_at
        ),
    }


_V2, _V1 = _facts(_named), _facts(_latest)

# What each event asks of the pool.
COMMANDS: dict[type[EventData], Callable[[Any], object]] = {
    enr.CohortOpened: lambda d: c.RecordCohort(
        d.cohort_id, d.programme_id, d.institute_id, d.field, d.skills, d.region_code, d.ends_on
    ),
    enr.TraineeRegistered: lambda d: c.RecordPerson(
        d.trainee_id,
        institute_id=d.institute_id,
        region_code=d.region_code,
        consent=d.consent_share_with_firms,
    ),
    enr.ConsentChanged: lambda d: c.RecordPerson(d.trainee_id, consent=d.share_with_firms),
    enr.TraineeErased: lambda d: c.RecordPerson(d.trainee_id, consent=False, erased=True),
    enr.TraineeEnrolled: lambda d: c.RecordEnrollment(_named(d), d.institute_id),
    **{ending: lambda d: c.EndEnrollment(_named(d), ENDINGS[type(d)]) for ending in ENDINGS},
    ev.StagePassed: _V2["passed"],
    ev.StagePassWithdrawn: _V2["withdrawn"],
    ev.AssessmentRecorded: _V2["assessed"],
    ev.Certified: _V2["certified"],
    ev.CertificationRevoked: _V2["revoked"],
    ev.CertificationReinstated: lambda d: c.RecordReinstatement(_named(d), d.credential_id),
    v1.StagePassedV1: _V1["passed"],
    v1.StagePassWithdrawnV1: _V1["withdrawn"],
    v1.AssessmentRecordedV1: _V1["assessed"],
    v1.CertifiedV1: _V1["certified"],
    v1.CertificationRevokedV1: _V1["revoked"],
}


def consumer_handlers(
    bus: MessageBus[MatchingUnitOfWork], unit_of_work_on: Callable[[Any], MatchingUnitOfWork]
) -> dict[str, Handler]:
    """The EventConsumer's handlers: each event's command, run on the consumer's
    connection (`unit_of_work_on` opens a unit of work there)."""

    def handler(to_command: Callable[[Any], object]) -> Handler:
        async def handle(event: Envelope, connection: Any) -> None:
            async with unit_of_work_on(connection) as uow:
                await bus.handle_in(to_command(event.data), uow)

        return handle

    return {contract.type: handler(to_command) for contract, to_command in COMMANDS.items()}


def follow(
    settings: MatchingSettings, build_consumer: Callable[[StreamApp], Awaitable[EventConsumer]]
) -> StreamApp:
    """The worker's agents, over the topics they read."""
    app = create_stream_app(
        settings.consumer_name, kafka=settings.kafka, state_dir=settings.state_dir
    )

    async def build() -> EventConsumer:  # one for both topics: one pool, one inbox name
        return await build_consumer(app)

    # Most enrollment events (daily attendance) are of no interest here: take them in
    # batches so skipping them is cheap.
    consume(app, ENROLLMENT_EVENTS, agent_name="follow_enrollment_facts", build=build, batch=100)
    consume(app, EVALUATION_EVENTS, agent_name="follow_stage_decisions", build=build)
    return app
