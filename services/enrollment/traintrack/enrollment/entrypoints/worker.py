"""The enrollment worker: institutes' signed submissions from Kafka, as commands to the
same handlers as the HTTP API. The signature's tenant decides which records a submission
may touch, exactly as an API key does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, cast

from traintrack.contracts import submissions
from traintrack.contracts.codec import Envelope
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS
from traintrack.enrollment import commands
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.domain.reports import BatchResult
from traintrack.platform.bus import MessageBus
from traintrack.platform.db.uow import PostgresUnitOfWork
from traintrack.platform.errors import Rejected
from traintrack.platform.messaging.consumer import BatchHandler, EventConsumer, Handler
from traintrack.platform.messaging.signatures import SubmissionVerifier
from traintrack.platform.messaging.streams import StreamApp, consume

# A connection in the consumer's transaction (its inbox claim) -> a unit of work on it.
UowOn = Callable[[Any], PostgresUnitOfWork]

# Submission type -> the command it asks for (attendance: a batch of one).
COMMANDS: dict[str, Callable[[Actor, Any], object]] = {
    submissions.RecordAttendance.type: lambda actor, d: commands.RecordAttendance(actor, (d,)),
    submissions.SubmitSurvey.type: lambda actor, d: commands.SubmitSurvey(actor, **d.model_dump()),
    submissions.CompleteEnrollment.type: lambda actor, d: commands.CompleteEnrollment(
        actor, **d.model_dump()
    ),
    submissions.DropEnrollment.type: lambda actor, d: commands.DropEnrollment(
        actor, **d.model_dump()
    ),
    submissions.ChangeConsent.type: lambda actor, d: commands.ChangeConsent(
        actor, **d.model_dump()
    ),
}


def _actor(envelope: Envelope, verifier: SubmissionVerifier) -> Actor:
    institute = verifier.verify(envelope)
    return Actor(f"institute:{institute.tenant}", institute.tenant)


def submission_handlers(
    bus: MessageBus[Any], uow_on: UowOn, verifier: SubmissionVerifier
) -> dict[str, Handler]:
    """One submission per transaction (the consumer's, holding its inbox claim)."""

    def apply(to_command: Callable[[Actor, Any], object]) -> Handler:
        async def handle(envelope: Envelope, conn: Any) -> None:
            command = to_command(_actor(envelope, verifier), envelope.data)
            async with uow_on(conn) as uow:
                answer = await bus.handle_in(command, uow)
            if isinstance(answer, BatchResult):
                answer.raise_first()

        return handle

    return {event_type: apply(to_command) for event_type, to_command in COMMANDS.items()}


def submission_batch_handlers(
    bus: MessageBus[Any], uow_on: UowOn, verifier: SubmissionVerifier
) -> dict[str, BatchHandler]:
    """Attendance arrives by the ten thousand: a batch applied set-wise, per institute, in
    the consumer's transaction; refusals reported by position."""

    async def record_attendance(
        envelopes: Sequence[Envelope], conn: Any
    ) -> Mapping[int, Exception]:
        refused: dict[int, Exception] = {}
        by_institute: dict[str, list[int]] = {}
        for index, envelope in enumerate(envelopes):
            try:
                institute = verifier.verify(envelope)
            except PoisonMessage as error:
                refused[index] = error
                continue
            by_institute.setdefault(institute.tenant, []).append(index)
        for tenant, indexes in by_institute.items():
            days = tuple(cast(submissions.RecordAttendance, envelopes[i].data) for i in indexes)
            command = commands.RecordAttendance(Actor(f"institute:{tenant}", tenant), days)
            async with uow_on(conn) as uow:
                result: BatchResult = await bus.handle_in(command, uow)
            for problem in result.errors:
                refused[indexes[problem.row - 1]] = problem.cause or Rejected(
                    problem.message, field=problem.field
                )
        return refused

    return {submissions.RecordAttendance.type: record_attendance}


def add_agents(
    app: StreamApp, build: Callable[[], Awaitable[EventConsumer]], *, batch: int
) -> None:
    """Every record of the submissions topic, `batch` at a time, to the consumer `build`
    makes (inbox, retries and DLQ are its business)."""
    consume(
        app,
        INSTITUTE_SUBMISSIONS,
        agent_name="apply_institute_submissions",
        build=build,
        batch=batch,
    )
