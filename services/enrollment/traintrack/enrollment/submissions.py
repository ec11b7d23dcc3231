"""Institute submissions from Kafka, handed to the same handlers as the HTTP API.

Each submission must be signed by an institute key (see traintrack.institute.
signing); its tenant decides which records it may touch, exactly as over HTTP.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from fractions import Fraction
from typing import Any, cast

import asyncpg

from traintrack.contracts.codec import Envelope
from traintrack.contracts.errors import PoisonMessage
from traintrack.contracts.submissions import (
    ChangeConsent,
    CompleteEnrollment,
    DropEnrollment,
    RecordAttendance,
    SubmitSurvey,
)
from traintrack.enrollment import attendance, handlers
from traintrack.enrollment.commands import Actor
from traintrack.enrollment.domain.attendance import WARNING_MARGIN
from traintrack.platform.errors import Rejected
from traintrack.platform.messaging import signatures
from traintrack.platform.messaging.consumer import BatchHandler, Handler
from traintrack.platform.web.auth import Keyring

Command = Callable[[Any, Actor, asyncpg.Connection], Awaitable[object]]

COMMANDS: dict[str, Command] = {
    RecordAttendance.type: attendance.record_one,
    SubmitSurvey.type: handlers.submit_survey,
    CompleteEnrollment.type: handlers.complete_enrollment,
    DropEnrollment.type: handlers.drop_enrollment,
    ChangeConsent.type: handlers.change_consent,
}


def submission_handlers(
    keyring: Keyring, *, warn_below: Fraction = WARNING_MARGIN
) -> dict[str, Handler]:
    commands = COMMANDS | {
        RecordAttendance.type: functools.partial(attendance.record_one, warn_below=warn_below)
    }

    def adapt(command: Command) -> Handler:
        async def handle(envelope: Envelope, conn: asyncpg.Connection) -> None:
            institute = signatures.verify(envelope, keyring)
            actor = Actor(f"institute:{institute.tenant}", institute.tenant)
            await command(envelope.data, actor, conn)

        return handle

    return {event_type: adapt(command) for event_type, command in commands.items()}


def submission_batch_handlers(
    keyring: Keyring, *, warn_below: Fraction = WARNING_MARGIN
) -> dict[str, BatchHandler]:
    """Attendance arrives by the ten thousand: apply a batch set-wise, per institute."""

    async def record_attendance(
        envelopes: Sequence[Envelope], conn: asyncpg.Connection
    ) -> dict[int, Exception]:
        refused: dict[int, Exception] = {}
        by_institute: dict[str, list[int]] = {}
        for index, envelope in enumerate(envelopes):
            try:
                institute = signatures.verify(envelope, keyring)
            except PoisonMessage as error:
                refused[index] = error
                continue
            by_institute.setdefault(institute.tenant, []).append(index)
        for tenant, indexes in by_institute.items():
            rows = [cast(RecordAttendance, envelopes[i].data) for i in indexes]
            actor = Actor(f"institute:{tenant}", tenant)
            result = await attendance.record_attendance(rows, actor, conn, warn_below=warn_below)
            for problem in result.errors:
                refused[indexes[problem.row - 1]] = problem.cause or Rejected(
                    problem.message, field=problem.field
                )
        return refused

    return {RecordAttendance.type: record_attendance}
