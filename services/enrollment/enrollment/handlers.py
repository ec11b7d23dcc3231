"""One function per command: domain decision, state change and outbox event in one
transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
from opentelemetry import trace

from enrollment import events, store
from enrollment.commands import EnrollTrainee, RegisterTrainee
from enrollment.domain import trainees as domain
from traintrack_shared import outbox
from traintrack_shared.errors import Conflict, NotFound


def new_trainee_id() -> str:
    return f"tr-{uuid.uuid4().hex[:20]}"


async def register_trainee(cmd: RegisterTrainee, pool: asyncpg.Pool) -> domain.Trainee:
    trainee = domain.register_trainee(
        trainee_id=new_trainee_id(),
        institute_id=cmd.institute_id,
        birth_year=cmd.birth_year,
        region_code=cmd.region_code,
        status=cmd.status,
        consent_share_with_firms=cmd.consent_share_with_firms,
        personal=domain.PersonalDetails(cmd.name, cmd.email, cmd.phone),
        now=datetime.now(UTC),
    )
    trace.get_current_span().set_attribute("traintrack.trainee_id", trainee.trainee_id)
    async with pool.acquire() as conn, conn.transaction():
        await store.add_trainee(conn, trainee)
        await outbox.add_event(conn, events.trainee_registered(trainee), source=events.SOURCE)
    return trainee


async def enroll_trainee(cmd: EnrollTrainee, pool: asyncpg.Pool) -> domain.Enrollment:
    trace.get_current_span().set_attribute("traintrack.trainee_id", cmd.trainee_id)
    async with pool.acquire() as conn, conn.transaction():
        trainee = await store.get_trainee(conn, cmd.trainee_id)
        if trainee is None or trainee.institute_id != cmd.institute_id:
            raise NotFound(f"trainee {cmd.trainee_id}")  # another tenant's: no hint it exists
        enrollment = domain.enroll(
            trainee,
            enrollment_id=f"en-{uuid.uuid4().hex[:20]}",
            institute_id=cmd.institute_id,
            cohort_id=cmd.cohort_id,
            enrolled_on=cmd.enrolled_on,
        )
        if not await store.add_enrollment(conn, enrollment):
            raise Conflict(f"trainee already enrolled in cohort {cmd.cohort_id}", field="cohort_id")
        await outbox.add_event(conn, events.trainee_enrolled(enrollment), source=events.SOURCE)
    return enrollment
